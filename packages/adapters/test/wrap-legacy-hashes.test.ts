import { createHash } from 'node:crypto';
import { createUseCases, WEAK_LEGACY_SCHEMES } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import { SchemeLegacyPasswordVerifier } from '../src/crypto/legacy-password-verifier.js';
import { type Database, migrate, openDatabase } from '../src/index.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';
import { emptyTables, sqlPorts } from './sql-fixture.js';
import { digests, plains } from './weak-vectors.js';

const ctx = { ip: null, userAgent: null };
const weak = [...digests, ...plains];
const BCRYPT = '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a'; // "U*U*U", cost 5

/** Every weak published vector as a legacy account (`v0`, `v1`, ...), and one bcrypt one. */
async function seeded(db: Database) {
  await migrate(db);
  await emptyTables(db);
  const ports = sqlPorts(db);
  ports.legacy = new SchemeLegacyPasswordVerifier({ concurrency: 2 });
  async function* rows() {
    for (const [i, v] of [...weak, { password: 'U*U*U', stored: BCRYPT }].entries())
      yield {
        line: i + 2,
        customerNumber: String(100 + i),
        username: `v${i}`,
        email: `v${i}@example.mx`,
        emailValid: true,
        passwordHash: v.stored,
      };
  }
  await ports.accounts.importLegacy(rows(), { dryRun: false, now: ports.clock.now() });
  return { ports, uc: createUseCases(ports) };
}

const storedHashes = async (db: Database) =>
  (
    await db.query<{ h: string }>(
      'SELECT legacy_password_hash AS h FROM accounts ORDER BY customer_number',
    )
  ).map((r) => r.h);

function wrapSuite(name: string, open: () => Promise<Database>) {
  describe(`wrapping weak legacy hashes: ${name}`, () => {
    it('every weak published vector still signs in after wrapping, and no weak digest is left in the table', async () => {
      const db = await open();
      try {
        const { uc } = await seeded(db);
        expect((await uc.migrationStats()).accounts.weakLegacyHashes).toBe(weak.length);
        const outcome = await uc.wrapWeakLegacyHashes({ batchSize: 4, concurrency: 2 });
        expect(outcome).toEqual({ wrapped: weak.length, skipped: 0, remaining: 0 });
        expect((await uc.migrationStats()).accounts.weakLegacyHashes).toBe(0);

        const hashes = await storedHashes(db);
        expect(hashes.at(-1)).toBe(BCRYPT);
        for (const h of hashes.slice(0, weak.length)) {
          // Whole-string shape: past the fixed prefix there is only the random salt and output
          // (base64), so nothing of the old digest or password can hide in it.
          expect(h).toMatch(
            /^wrapped-argon2id:(md5|sha1|sha256|plain):\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
          );
          expect(h).not.toMatch(new RegExp(`^(${WEAK_LEGACY_SCHEMES.join('|')}):`));
        }
        // Hex digests are long enough never to appear by chance in random base64; a short
        // plain password ("abc") could, so the shape check above covers those.
        const column = hashes.join('\n').toLowerCase();
        for (const v of weak) {
          const value = v.stored.slice(v.stored.indexOf(':') + 1).toLowerCase();
          if (value.length >= 16) expect(column).not.toContain(value);
          for (const algorithm of ['md5', 'sha1', 'sha256'])
            expect(column).not.toContain(
              createHash(algorithm).update(v.password, 'utf8').digest('hex'),
            );
        }

        for (const [i, v] of weak.entries()) {
          const wrong = await uc.logIn({
            identifier: `v${i}`,
            password: `X${v.password}`,
            context: ctx,
          });
          expect(wrong.isErr() && wrong.error.code).toBe('invalid_credentials');
          const right = await uc.logIn({ identifier: `v${i}`, password: v.password, context: ctx });
          expect(right.isOk() && right.value.kind, v.source).toBe('renewal_started');
        }
      } finally {
        await db.close();
      }
    });

    it('resumes after an interruption, and never overwrites a hash changed meanwhile', async () => {
      const db = await open();
      try {
        const { ports, uc } = await seeded(db);
        let paced = 0;
        await expect(
          uc.wrapWeakLegacyHashes({
            batchSize: 3,
            pace: async () => {
              if (++paced > 3) throw new Error('interrupted');
            },
          }),
        ).rejects.toThrow('interrupted');
        expect(await ports.accounts.countWeakLegacyHashes()).toBe(weak.length - 3);

        // the portal re-imports one account with a new digest while the next run is on it
        const [next] = await ports.accounts.findWeakLegacyHashes(1, null);
        if (!next) throw new Error('nothing left');
        const changed = `sha256:${createHash('sha256').update('nueva', 'utf8').digest('hex')}`;
        const accounts = ports.accounts;
        let raced = false;
        const outcome = await uc.wrapWeakLegacyHashes({
          batchSize: 3,
          pace: async () => {
            if (raced) return;
            raced = true;
            await db.query(
              'UPDATE accounts SET legacy_password_hash = $2, version = version + 1 WHERE id = $1',
              [next.accountId, changed],
            );
          },
        });
        expect(outcome).toEqual({ wrapped: weak.length - 4, skipped: 1, remaining: 1 });
        expect((await accounts.findById(next.accountId))?.status).toBe('legacy');
        const [row] = await db.query<{ h: string }>(
          'SELECT legacy_password_hash AS h FROM accounts WHERE id = $1',
          [next.accountId],
        );
        expect(row?.h).toBe(changed);
        // and the next run wraps it
        expect(await uc.wrapWeakLegacyHashes()).toEqual({ wrapped: 1, skipped: 0, remaining: 0 });
      } finally {
        await db.close();
      }
    });
  });
}

// the mutation run (vitest.mutation.config.ts) runs the PostgreSQL server's suite only
describe.skipIf(process.env.RENUEVA_TEST_PGLITE === 'skip')('embedded store', () => {
  wrapSuite('pglite', () => openDatabase({ dataDir: null }));
});
describe.skipIf(!requirePostgres())('PostgreSQL server', () => {
  wrapSuite('postgres', async () => openDatabase({ databaseUrl: await freshPostgresUrl() }));
});
