import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testApp } from './setup.js';

const cli = fileURLToPath(
  new URL('../../../node_modules/@redocly/cli/bin/cli.js', import.meta.url),
);
const config = fileURLToPath(new URL('../redocly.yaml', import.meta.url));

interface Report {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; location: { pointer: string }[] }[];
}

/** `redocly lint` on a document, with the local config only and nothing sent anywhere. */
async function lint(document: string): Promise<Report> {
  const dir = await mkdtemp(join(tmpdir(), 'renueva-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, document);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'lint', file, '--config', config, '--format', 'json', '--lint-config', 'error'],
      {
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
        },
      },
    ); // a non-zero exit (any error) rejects
    return JSON.parse(stdout) as Report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the OpenAPI document', () => {
  it('passes redocly lint with the recommended rules', async () => {
    const t = await testApp();
    const report = await lint(await (await t.app.request('/api/v1/openapi.json')).text());
    expect(report.totals.errors).toBe(0);
    // the one warning: signing out is idempotent, so it has no 4xx to document
    expect(
      report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}`),
    ).toEqual(['warn operation-4xx-response #/paths/~1session/delete/responses']);
  });

  it('catches what it should (a document with an error fails)', async () => {
    const report = await lint(
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 'x', version: '1' },
        paths: { '/x': { get: { responses: { 200: { description: 'OK' } } } } },
      }),
    ).catch((e: { stdout: string }) => JSON.parse(e.stdout) as Report);
    expect(report.problems.map((p) => p.ruleId)).toEqual(
      expect.arrayContaining(['security-defined', 'info-license', 'operation-operationId']),
    );
  });
});
