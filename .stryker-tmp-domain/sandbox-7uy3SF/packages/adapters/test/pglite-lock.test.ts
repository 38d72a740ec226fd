import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseLockedError, migrate, openDatabase } from '../src/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'renueva-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the PGlite data directory lock', () => {
  it('gives a second process a clear error, and frees the directory on close', async () => {
    const db = await openDatabase({ dataDir: dir });
    await migrate(db);
    const script = `
      import { openDatabase } from '@renueva/adapters';
      try { await openDatabase({ dataDir: ${JSON.stringify(dir)} }); console.log('opened'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: import.meta.dirname,
    });
    expect(stdout).toContain('DatabaseLockedError');
    expect(stdout).toContain(dir);
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DatabaseLockedError);
    await db.close();
    const again = await openDatabase({ dataDir: dir });
    expect(await again.query('SELECT count(*)::int AS n FROM accounts')).toEqual([{ n: 0 }]);
    await again.close();
  }, 30_000);
});
