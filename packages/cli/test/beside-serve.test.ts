import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cli.case.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'renueva.js');
const dir = mkdtempSync(join(tmpdir(), 'renueva-beside-'));
const env = { DATA_DIR: join(dir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'warn' };
let server: ChildProcess;
let url = '';
let serveOutput = '';

/** Starts `renueva serve` on a free port and waits for its "serving on" line. */
function startServe(): Promise<string> {
  server = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not start:\n${serveOutput}`)),
      90_000,
    );
    const read = (chunk: Buffer) => {
      serveOutput += chunk.toString();
      const m = / on (http:\/\/\S+) /.exec(serveOutput);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout?.on('data', read);
    server.stderr?.on('data', read);
    server.once('exit', (code) => reject(new Error(`serve exited ${code}:\n${serveOutput}`)));
  });
}

beforeAll(async () => {
  url = await startServe();
}, 120_000);

afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const portalAnswers = async () => (await fetch(`${url}/readyz`)).status;

describe('every CLI command beside a running `renueva serve` on the same DATA_DIR (embedded store)', () => {
  it('import, stats, accounts, outbox, audit, hashes and db migrate work; the portal keeps serving', async () => {
    const run = cli(env);
    expect(await portalAnswers()).toBe(200);
    const file = join(dir, 'beside.csv');
    writeFileSync(
      file,
      [
        'customer_number,username,email,password_hash',
        // passlib's md5_crypt vector ("test") and RFC 1321's MD5 of "abc"
        '6100001,junto.al.portal,junto@example.mx,$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1',
        '6100002,debil.junto,debil@example.mx,md5:900150983cd24fb0d6963f7d28e17f72',
      ].join('\n'),
    );
    // the portal answers while the import runs
    const [imported, during] = await Promise.all([run('import', file, '--json'), portalAnswers()]);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: 2, rejected: 0 });
    expect(during).toBe(200);

    const stats = await run('stats', '--json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout).accounts.total).toBe(2);

    const shown = await run('accounts', 'show', '6100001');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('junto.al.portal');
    expect((await run('accounts', 'set-email', '6100001', 'nuevo@example.mx')).code).toBe(0);
    expect((await run('accounts', 'unlock', '6100001')).code).toBe(0);

    // a sign-in through the portal: the import is visible to it at once, and emails a code
    const signIn = await fetch(`${url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ identifier: 'junto.al.portal', password: 'test' }),
    });
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ outcome: 'renewal_started' });

    expect((await run('outbox', 'list')).code).toBe(0);
    expect((await run('audit', '--since', '1h')).stdout).toContain('imported');
    const wrapped = await run('hashes', 'wrap', '--json');
    expect(JSON.parse(wrapped.stdout)).toMatchObject({ remaining: 0 });
    expect((await run('db', 'migrate')).code).toBe(0);
    expect(await portalAnswers()).toBe(200);
  }, 240_000);
});
