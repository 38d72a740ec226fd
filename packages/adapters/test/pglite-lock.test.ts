import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseLockedError, migrate, openDatabase } from '../src/index.js';
import { parseCsvRecords, pgliteSocketPath } from '../src/sql/database.js';

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

  it('shared by its holder (serve): another process uses its socket; transactions never interleave', async () => {
    const shared = join(dir, 'shared');
    const owner = await openDatabase({ dataDir: shared, share: true });
    await migrate(owner);
    expect(existsSync(pgliteSocketPath(shared))).toBe(true);
    const insert = `INSERT INTO accounts (id, customer_number, legacy_username, status, legacy_password_hash, version, created_at, updated_at)
      VALUES (gen_random_uuid(), $1, $2, 'legacy', 'plain:x', 1, now(), now())`;

    // another process: through the socket, it reads and writes the same store
    const script = `
      import { openDatabase } from '@renueva/adapters';
      const db = await openDatabase({ dataDir: ${JSON.stringify(shared)} });
      await db.query(${JSON.stringify(insert)}, ['5000001', 'desde.otro.proceso']);
      console.log(db.driver, JSON.stringify(await db.query('SELECT count(*)::int AS n FROM accounts')));
      await db.close();`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: import.meta.dirname,
    });
    expect(stdout.trim()).toBe('pglite-socket [{"n":1}]');

    // a client's open transaction: the holder's own queries wait for it, never run inside it
    const client = await openDatabase({ dataDir: shared });
    expect(client.driver).toBe('pglite-socket');
    let ownerSaw: number | null = null;
    let pending: Promise<void> = Promise.resolve();
    await client.transaction(async (tx) => {
      await tx.query(insert, ['5000002', 'en.transaccion']);
      pending = owner
        .query<{ n: number }>('SELECT count(*)::int AS n FROM accounts')
        .then(([row]) => {
          ownerSaw = row?.n ?? null;
        });
      await new Promise((r) => setTimeout(r, 300));
      expect(ownerSaw).toBeNull();
    });
    await pending;
    expect(ownerSaw).toBe(2);

    // COPY over the socket (the import's staging): CSV with quotes, commas, NULLs, booleans
    const copied = await client.transaction(async (tx) => {
      await tx.query('CREATE TEMP TABLE t (a integer, b text, c boolean) ON COMMIT DROP');
      await tx.copyCsv(
        't',
        (async function* () {
          yield '1,"x, ""y""",true\n2,,false\n';
          yield '3,"",true\n';
        })(),
      );
      return tx.query('SELECT a, b, c FROM t ORDER BY a');
    });
    expect(copied).toEqual([
      { a: 1, b: 'x, "y"', c: true },
      { a: 2, b: null, c: false },
      { a: 3, b: '', c: true },
    ]);
    await client.close();

    await owner.close();
    expect(existsSync(pgliteSocketPath(shared))).toBe(false);
    // the directory is free again: an unshared open takes the lock
    const again = await openDatabase({ dataDir: shared });
    expect(again.driver).toBe('pglite');
    await again.close();
  }, 60_000);

  it('parses CSV records as COPY reads them', () => {
    expect(parseCsvRecords('a,"b,c",\r\n"say ""hi""",,x\n"multi\nline",y')).toEqual([
      ['a', 'b,c', null],
      ['say "hi"', null, 'x'],
      ['multi\nline', 'y'],
    ]);
    expect(() => parseCsvRecords('"open')).toThrow(/not closed/);
  });
});
