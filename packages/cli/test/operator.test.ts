import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './cli.case.js';

const dir = mkdtempSync(join(tmpdir(), 'renueva-operator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operator polish: each failure is one line with its exit code', () => {
  it('renueva --version prints the package version', async () => {
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'),
    );
    const run = cli({});
    for (const flag of ['--version', '-V']) {
      const shown = await run(flag);
      expect(shown.code).toBe(0);
      expect(shown.stdout.trim()).toBe(version);
    }
  });

  it('a port in use: one line, exit 1, before the store is opened or seeded', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const dataDir = join(dir, 'never-created');
    try {
      const served = await cli({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO_ACCOUNTS: 'true' })(
        'serve',
        '--port',
        String(port),
      );
      expect(served.code).toBe(1);
      expect(served.stderr.trim().split('\n')).toEqual([
        `renueva: port ${port} on 127.0.0.1 is already in use; stop what listens there or choose another port (--port or PORT)`,
      ]);
      expect(served.stdout).toBe('');
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('an unreachable DATABASE_URL names its host and port, never its password', async () => {
    // a port nobody listens on: taken and closed again
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const run = cli({ DATABASE_URL: `postgres://renueva:s3cr3t-pw@127.0.0.1:${port}/renueva` });
    const stats = await run('stats');
    expect(stats.code).toBe(1);
    expect(stats.stderr.trim().split('\n')).toEqual([
      `renueva: cannot reach the PostgreSQL server of DATABASE_URL at 127.0.0.1:${port} (connection refused)`,
    ]);
    expect(stats.stderr + stats.stdout).not.toContain('s3cr3t-pw');
  });

  it('a DATABASE_URL that is not PostgreSQL says what is expected', async () => {
    for (const url of ['mysql://root@localhost/renueva', 'localhost:5432']) {
      const stats = await cli({ DATABASE_URL: url })('stats');
      expect(stats.code).toBe(2);
      expect(stats.stderr.trim().split('\n')).toEqual([
        'renueva: configuration: DATABASE_URL: expected a PostgreSQL URL, postgres://user:password@host:5432/database (unset it to use the embedded store in DATA_DIR)',
      ]);
    }
  });
});
