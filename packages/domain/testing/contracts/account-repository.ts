import type {
  Account,
  AccountRepository,
  Effect,
  ImportOutcome,
  LegacyImportRow,
  LineDigest,
  Login,
  MigratedAccount,
  PendingRenewal,
} from '@renueva/domain';
import { ImportedLines } from '@renueva/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { at, type MakeFixture, rowsOf, type StoreFixture, seed, T0 } from './fixture.js';

const challenge = (n: number) => ({
  codeHash: `code-hash-${n}`,
  flowTokenHash: `flow-hash-${n}`,
  issuedAt: at(0),
  expiresAt: at(600),
  attempts: 0,
  sends: 1,
  lastSentAt: at(0),
});

const pending = (a: Account, n = 1): PendingRenewal => {
  if (a.status === 'migrated') throw new Error('migrated');
  return {
    ...a,
    status: 'pending_renewal',
    legacyPasswordHash: a.legacyPasswordHash,
    origin: 'login',
    challenge: challenge(n),
    recentSends: [at(0)],
    version: a.version + 1,
    updatedAt: at(1),
  };
};

let loginIds = 0;
const newLogin = (email: string): Login => ({
  id: `00000000-0000-4000-8000-${String(++loginIds).padStart(12, '0')}`,
  email,
  passwordHash: '$argon2id$fake',
  passwordChangedAt: at(2),
  recovery: null,
  customerNumbers: [],
  failedLogins: 0,
  lastFailedLoginAt: null,
  wrongCodesAt: [],
  anonymousWrongCodesAt: [],
  recentSends: [],
  version: 1,
  createdAt: at(2),
  updatedAt: at(2),
});

const migrated = (a: PendingRenewal, login: Login): MigratedAccount => ({
  id: a.id,
  customerNumber: a.customerNumber,
  legacyUsername: a.legacyUsername,
  registeredEmail: a.registeredEmail,
  status: 'migrated',
  loginId: login.id,
  migratedAt: at(2),
  version: a.version + 1,
  createdAt: a.createdAt,
  updatedAt: at(2),
});

/** Saves an account alone. */
const saveAccount = (
  repo: AccountRepository,
  next: Account,
  expectedVersion: number,
  effects: Effect[] = [],
) => repo.save({ account: { next, expectedVersion }, effects });

/** Migrates a pending account into a new login (or `into` an existing one). */
async function migrate(repo: AccountRepository, p: PendingRenewal, email: string, into?: Login) {
  const login = into ?? newLogin(email);
  const account = migrated(p, login);
  const saved = await repo.save({
    account: { next: account, expectedVersion: p.version },
    login: into
      ? { next: { ...into, version: into.version + 1 }, expectedVersion: into.version }
      : { next: login, expectedVersion: null },
    effects: [],
  });
  return { saved, account, login };
}

/** The AccountRepository contract: every implementation must pass it. */
export function accountRepositoryContract(name: string, make: MakeFixture) {
  describe(`AccountRepository contract: ${name}`, () => {
    let f: StoreFixture;
    beforeEach(async () => {
      f = await make();
    });

    it('finds accounts by id, customer number, username (any case) and flow-token hash; null otherwise', async () => {
      const [a] = await seed(f.accounts, [
        { customerNumber: '2242455', username: 'dBarronRmz1', email: 'Diego@X.mx' },
      ]);
      if (!a) throw new Error('not seeded');
      expect(a).toMatchObject({
        status: 'legacy',
        customerNumber: '2242455',
        legacyUsername: 'dBarronRmz1',
        registeredEmail: 'Diego@X.mx',
        version: 1,
        failedLogins: 0,
        wrongCodesAt: [],
        anonymousWrongCodesAt: [],
        recentSends: [],
        createdAt: T0,
      });
      expect(await f.accounts.findById(a.id)).toEqual(a);
      expect(await f.accounts.findByLegacyUsername('DBARRONRMZ1')).toEqual(a);
      expect(await f.accounts.findByCustomerNumber('2242455')).toEqual(a);
      expect(await f.accounts.findByLegacyUsername('nobody')).toBeNull();
      expect(await f.accounts.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
      expect(await f.accounts.findById('not-a-uuid')).toBeNull();
      expect(await f.accounts.findByCustomerNumber('1')).toBeNull();
      expect(await f.accounts.findByFlowTokenHash('flow-hash-1')).toBeNull();
      expect(await f.accounts.findLoginByEmail('diego@x.mx')).toBeNull(); // not migrated yet
      expect(await f.accounts.findLogin('not-a-uuid')).toBeNull();
      expect(await f.accounts.findByRegisteredEmail('DIEGO@x.mx')).toEqual([a]);
    });

    it('saves with a version check; a stale version is a conflict and writes nothing', async () => {
      const [a] = await seed(f.accounts, [{}]);
      if (!a) throw new Error('not seeded');
      const next = pending(a);
      expect((await saveAccount(f.accounts, next, a.version)).isOk()).toBe(true);
      expect(await f.accounts.findById(a.id)).toEqual(next);
      expect(await f.accounts.findByFlowTokenHash('flow-hash-1')).toEqual({
        holder: 'account',
        account: next,
      });
      const stale = await saveAccount(f.accounts, pending(a, 2), a.version);
      expect(stale.isErr() && stale.error).toEqual({ code: 'conflict' });
      expect(await f.accounts.findById(a.id)).toEqual(next);
    });

    it('round-trips every state, with challenges, counters and send times', async () => {
      const [a] = await seed(f.accounts, [{ email: 'ana@x.mx' }]);
      if (!a) throw new Error('not seeded');
      const p = {
        ...pending(a),
        failedLogins: 3,
        lastFailedLoginAt: at(5),
        wrongCodesAt: [at(5), at(6)],
        anonymousWrongCodesAt: [at(6)],
      };
      (await saveAccount(f.accounts, p, a.version)).unwrap();
      expect(await f.accounts.findById(a.id)).toEqual(p);
      const { saved, account, login } = await migrate(f.accounts, p, 'ana@x.mx');
      saved.unwrap();
      expect(await f.accounts.findById(a.id)).toEqual(account);
      const stored = { ...login, customerNumbers: [a.customerNumber] };
      expect(await f.accounts.findLogin(login.id)).toEqual(stored);
      expect(await f.accounts.findLoginByEmail('ANA@X.MX')).toEqual(stored);
      const recovering: Login = {
        ...stored,
        recovery: challenge(9),
        failedLogins: 4,
        lastFailedLoginAt: at(7),
        wrongCodesAt: [at(8)],
        anonymousWrongCodesAt: [],
        recentSends: [at(7), at(8)],
        version: 2,
      };
      (
        await f.accounts.save({ login: { next: recovering, expectedVersion: 1 }, effects: [] })
      ).unwrap();
      expect(await f.accounts.findLogin(login.id)).toEqual(recovering);
      expect(await f.accounts.findByFlowTokenHash('flow-hash-9')).toEqual({
        holder: 'login',
        login: recovering,
      });
      expect(await f.accounts.findByFlowTokenHash('flow-hash-1')).toBeNull(); // that code is gone
      expect(await f.accounts.countByStatus()).toEqual({
        legacy: 0,
        pending_renewal: 0,
        migrated: 1,
        logins: 1,
      });
    });

    it('a login opens every customer number that joined it; a new login never takes a taken email (any case)', async () => {
      const [a, b, c] = await seed(f.accounts, [
        { email: 'same@x.mx' },
        { email: 'SAME@x.mx' },
        { email: 'same@x.mx' },
      ]);
      if (!a || !b || !c) throw new Error('not seeded');
      const [pa, pb, pc] = [pending(a, 1), pending(b, 2), pending(c, 3)];
      for (const [p, x] of [
        [pa, a],
        [pb, b],
        [pc, c],
      ] as const)
        (await saveAccount(f.accounts, p, x.version)).unwrap();
      const first = await migrate(f.accounts, pa, 'same@x.mx');
      first.saved.unwrap();

      // a second login for the same email is a conflict, and nothing of that save is written
      const clash = await f.accounts.save({
        account: { next: migrated(pb, newLogin('Same@X.mx')), expectedVersion: pb.version },
        login: { next: newLogin('Same@X.mx'), expectedVersion: null },
        effects: [
          {
            type: 'audit',
            entry: {
              action: 'renewal_completed',
              accountId: b.id,
              loginId: null,
              at: at(3),
              ip: null,
              detail: {},
            },
          },
        ],
      });
      expect(clash.isErr() && clash.error).toEqual({ code: 'conflict' });
      expect(await f.accounts.findById(b.id)).toEqual(pb);
      expect(await f.audit.countByAction(null)).toEqual({});

      // joining: the account refers to the login, whose version moves on
      const login = (await f.accounts.findLoginByEmail('same@x.mx')) as Login;
      (await migrate(f.accounts, pb, 'same@x.mx', login)).saved.unwrap();
      // a stale login version: conflict, the account is not migrated either
      const stale = await migrate(f.accounts, pc, 'same@x.mx', login);
      expect(stale.saved.isErr()).toBe(true);
      expect(await f.accounts.findById(c.id)).toEqual(pc);
      const fresh = (await f.accounts.findLogin(login.id)) as Login;
      expect(fresh.customerNumbers).toEqual([a.customerNumber, b.customerNumber].sort());
      (await migrate(f.accounts, pc, 'same@x.mx', fresh)).saved.unwrap();
      expect((await f.accounts.findLoginByEmail('SAME@X.MX'))?.customerNumbers).toEqual(
        [a, b, c].map((x) => x.customerNumber).sort(),
      );
      expect(await f.accounts.countByStatus()).toMatchObject({ migrated: 3, logins: 1 });
    });

    it('writes the effects of a save with it: emails to the outbox, entries to the audit log', async () => {
      const [a] = await seed(f.accounts, [{}]);
      if (!a) throw new Error('not seeded');
      const next = pending(a);
      (
        await saveAccount(f.accounts, next, a.version, [
          {
            type: 'email',
            email: {
              template: 'renewal_code',
              to: 'user1000@example.mx',
              locale: 'es-MX',
              data: {
                customerNumbers: ['1000'],
                expiresAt: at(600),
                requestedAt: at(0),
                requestIp: '203.0.113.7',
              },
              secret: { code: '123456' },
            },
          },
          {
            type: 'audit',
            entry: {
              action: 'renewal_started',
              accountId: a.id,
              loginId: null,
              at: at(0),
              ip: '203.0.113.7',
              detail: { origin: 'login' },
            },
          },
        ])
      ).unwrap();
      const [message] = await f.outbox.claim(at(1), at(61), 10);
      expect(message?.email).toEqual({
        template: 'renewal_code',
        to: 'user1000@example.mx',
        locale: 'es-MX',
        data: {
          customerNumbers: ['1000'],
          expiresAt: at(600),
          requestedAt: at(0),
          requestIp: '203.0.113.7',
        },
        secret: { code: '123456' },
      });
      expect(await f.audit.countByAction(null)).toEqual({ renewal_started: 1 });
      // a conflicting save writes no effects
      await saveAccount(f.accounts, pending(a, 3), a.version, [
        {
          type: 'audit',
          entry: {
            action: 'code_sent',
            accountId: a.id,
            loginId: null,
            at: at(0),
            ip: null,
            detail: {},
          },
        },
      ]);
      expect(await f.audit.countByAction(null)).toEqual({ renewal_started: 1 });
    });

    it('counts failed sign-ins of unknown identifiers by key, each with its audit entry', async () => {
      expect(await f.accounts.findUnknownIdentifier('key-1')).toBeNull();
      const entry = (n: number) => ({
        action: 'login_failed' as const,
        accountId: null,
        loginId: null,
        at: at(n),
        ip: '203.0.113.9',
        detail: { reason: 'unknown_identifier' },
      });
      await f.accounts.recordUnknownIdentifierFailure('key-1', at(1), entry(1));
      await f.accounts.recordUnknownIdentifierFailure('key-1', at(2), entry(2));
      await f.accounts.recordUnknownIdentifierFailure('key-2', at(3), entry(3));
      expect(await f.accounts.findUnknownIdentifier('key-1')).toEqual({
        key: 'key-1',
        failedLogins: 2,
        lastFailedLoginAt: at(2),
      });
      expect((await f.accounts.findUnknownIdentifier('key-2'))?.failedLogins).toBe(1);
      expect(await f.audit.countByAction(null)).toEqual({ login_failed: 3 });
    });

    describe('importLegacy', () => {
      it('inserts, reports duplicates and owned usernames by line, counts email issues', async () => {
        await seed(f.accounts, [
          { customerNumber: '1', username: 'existente', email: 'Shared@x.mx' },
        ]);
        const outcome = await f.accounts.importLegacy(
          rowsOf([
            { customerNumber: '10', username: 'ana' },
            { customerNumber: '10', username: 'otra' },
            { customerNumber: '11', username: 'ANA' },
            { customerNumber: '12', username: 'Existente' },
            { customerNumber: '13', username: 'sin-correo', email: null, emailValid: false },
            { customerNumber: '14', username: 'correo-malo', email: 'x@@y', emailValid: false },
            { customerNumber: '15', username: 'compartido', email: 'shared@x.mx' },
            { customerNumber: '16', username: 'b1', email: 'flota@x.mx' },
            { customerNumber: '17', username: 'b2', email: 'flota@x.mx' },
          ]),
          { dryRun: false, now: T0 },
        );
        expect(outcome).toEqual({
          inserted: 6,
          updated: 0,
          unchanged: 0,
          skipped: 0,
          rejected: [
            { line: 3, reason: 'duplicate customer_number 10 (first at line 2)' },
            { line: 4, reason: 'duplicate username ANA (first at line 2)' },
            { line: 5, reason: 'username Existente belongs to customer 1' },
          ],
          emailMissing: 1,
          emailInvalid: 1,
          emailShared: 3,
        });
        expect(await f.accounts.countByStatus()).toEqual({
          legacy: 7,
          pending_renewal: 0,
          migrated: 0,
          logins: 0,
        });
      });

      it('is idempotent, updates changed legacy accounts, never touches pending or migrated ones', async () => {
        const rows = [
          { customerNumber: '20', username: 'a' },
          { customerNumber: '21', username: 'b' },
          { customerNumber: '22', username: 'c' },
        ];
        const [a, b] = await seed(f.accounts, rows);
        if (!a || !b) throw new Error('not seeded');
        const again = await f.accounts.importLegacy(rowsOf(rows), { dryRun: false, now: at(10) });
        expect(again).toMatchObject({
          inserted: 0,
          updated: 0,
          unchanged: 3,
          skipped: 0,
          rejected: [],
        });
        const pa = pending(a);
        (await saveAccount(f.accounts, pa, a.version)).unwrap();
        const changed = [
          { customerNumber: '20', username: 'a', passwordHash: 'plain:new' },
          { customerNumber: '21', username: 'B-renamed', email: 'b@nuevo.mx' },
          { customerNumber: '22', username: 'c' },
        ];
        const dry = await f.accounts.importLegacy(rowsOf(changed), { dryRun: true, now: at(20) });
        expect(dry).toMatchObject({ updated: 1, unchanged: 1, skipped: 1 });
        expect(await f.accounts.findById(b.id)).toEqual(b);
        const real = await f.accounts.importLegacy(rowsOf(changed), { dryRun: false, now: at(20) });
        expect(real).toMatchObject({ updated: 1, unchanged: 1, skipped: 1 });
        expect(await f.accounts.findById(a.id)).toEqual(pa);
        expect(await f.accounts.findById(b.id)).toMatchObject({
          legacyUsername: 'B-renamed',
          registeredEmail: 'b@nuevo.mx',
          version: b.version + 1,
          updatedAt: at(20),
        });
      });

      // Kept lines (ADR 0012): a line whose digest the store holds is left out of the rows;
      // the repository must report it exactly as if it had been read, validated and merged.
      const digest = (n: number, email: 0 | 1 | 2 = 2): LineDigest => [
        Math.imul(n, 2654435761) >>> 0,
        ((n << 2) | email) >>> 0,
      ];
      const loadDigests = async () => {
        const load = f.accounts.importedLineDigests;
        if (!load) throw new Error('this repository keeps no line digests');
        return load.call(f.accounts);
      };
      /** An import of `file` with the lines the store holds kept (claimed), and one of every row. */
      const both = async (file: Partial<LegacyImportRow>[], dryRun: boolean) => {
        const kept = new ImportedLines(await loadDigests());
        const keptLines = new Set(
          file.flatMap((r, i) => (r.digest && kept.claim(r.digest, i + 2) ? [i + 2] : [])),
        );
        const keeping = await f.accounts.importLegacy(
          (async function* () {
            for await (const r of rowsOf(file)) if (!keptLines.has(r.line)) yield r;
          })(),
          { dryRun, now: at(30), kept },
        );
        const reading = await f.accounts.importLegacy(rowsOf(file), { dryRun: true, now: at(30) });
        return { keeping, reading, kept: keptLines.size };
      };

      it('keeps the lines the store holds: unchanged, untouched, their emails counted', async () => {
        const file: Partial<LegacyImportRow>[] = [
          { customerNumber: '40', username: 'k0', digest: digest(40) },
          {
            customerNumber: '41',
            username: 'k1',
            email: null,
            emailValid: false,
            digest: digest(41, 0),
          },
          {
            customerNumber: '42',
            username: 'k2',
            email: 'x@@y',
            emailValid: false,
            digest: digest(42, 1),
          },
          { customerNumber: '43', username: 'k3', email: 'flota@x.mx', digest: digest(43) },
          { customerNumber: '44', username: 'k4', email: 'flota@x.mx', digest: digest(44) },
        ];
        const seeded = await seed(f.accounts, file);
        expect((await loadDigests()).length).toBe(10);
        const { keeping, reading, kept } = await both(file, false);
        expect(kept).toBe(5);
        const expected: ImportOutcome = {
          inserted: 0,
          updated: 0,
          unchanged: 5,
          skipped: 0,
          rejected: [],
          emailMissing: 1,
          emailInvalid: 1,
          emailShared: 2,
        };
        expect(keeping).toEqual(expected);
        expect(reading).toEqual(expected);
        for (const a of seeded) expect(await f.accounts.findById(a.id)).toEqual(a);
      });

      it('a kept line yields to the lines of the file that repeat its customer number or username', async () => {
        const [a, b, c] = [
          { customerNumber: '50', username: 'p', digest: digest(50) },
          { customerNumber: '51', username: 'q', digest: digest(51) },
          { customerNumber: '52', username: 'r', digest: digest(52) },
        ];
        await seed(f.accounts, [a, b, c] as Partial<LegacyImportRow>[]);
        const file: Partial<LegacyImportRow>[] = [
          a as Partial<LegacyImportRow>, // line 2: kept
          { ...b, email: 'q@nuevo.mx', digest: digest(510) }, // line 3: changed
          { customerNumber: '50', username: 'p2', digest: digest(500) }, // line 4: after a kept line
          { customerNumber: '53', username: 'R', digest: digest(530) }, // line 5: before one
          c as Partial<LegacyImportRow>, // line 6: kept, but its username came first at line 5
          a as Partial<LegacyImportRow>, // line 7: the same line again
        ];
        const { keeping, reading } = await both(file, true);
        expect(keeping).toEqual(reading);
        expect(keeping).toEqual({
          inserted: 0,
          updated: 1,
          unchanged: 1,
          skipped: 0,
          rejected: [
            { line: 4, reason: 'duplicate customer_number 50 (first at line 2)' },
            { line: 5, reason: 'username R belongs to customer 52' },
            { line: 6, reason: 'duplicate username r (first at line 5)' },
            { line: 7, reason: 'duplicate customer_number 50 (first at line 2)' },
          ],
          emailMissing: 0,
          emailInvalid: 0,
          emailShared: 0,
        });
      });

      it('an unchanged account imported without a digest learns it, and is not touched otherwise', async () => {
        const rows = [
          { customerNumber: '70', username: 'w' },
          { customerNumber: '71', username: 'x' },
        ];
        const seeded = await seed(f.accounts, rows);
        expect((await loadDigests()).length).toBe(0);
        const again = await f.accounts.importLegacy(
          rowsOf(rows.map((r, i) => ({ ...r, digest: digest(70 + i) }))),
          { dryRun: false, now: at(40) },
        );
        expect(again).toMatchObject({ unchanged: 2, updated: 0 });
        expect([...(await loadDigests())].sort()).toEqual([...digest(70), ...digest(71)].sort());
        for (const a of seeded) expect(await f.accounts.findById(a.id)).toEqual(a);
      });

      it('an account changed since its import (or by a row without a digest) has no line digest', async () => {
        const [a, b, c] = await seed(f.accounts, [
          { customerNumber: '60', username: 's', digest: digest(60) },
          { customerNumber: '61', username: 't', digest: digest(61) },
          { customerNumber: '62', username: 'u', digest: digest(62) },
          { customerNumber: '63', username: 'v', digest: digest(63) },
        ]);
        if (a?.status !== 'legacy' || !b || !c) throw new Error('not seeded');
        expect(
          await f.accounts.replaceLegacyHash(a.id, a.legacyPasswordHash, 'plain:x', at(5)),
        ).toBe(true);
        (await saveAccount(f.accounts, pending(b), b.version)).unwrap();
        await f.accounts.importLegacy(
          rowsOf([{ customerNumber: '62', username: 'u', email: 'u@nuevo.mx' }]),
          { dryRun: false, now: at(6) },
        );
        expect([...(await loadDigests())]).toEqual([...digest(63)]);
      });

      it('keeps odd text intact (quotes, commas, accents)', async () => {
        const [a] = await seed(f.accounts, [
          {
            customerNumber: '30',
            username: 'josé"o,k',
            email: 'José <j@x.mx>',
            emailValid: false,
            passwordHash: 'plain:a,"b"\nc',
          },
        ]);
        expect(a).toMatchObject({ legacyUsername: 'josé"o,k', registeredEmail: 'José <j@x.mx>' });
        expect(a?.status === 'legacy' && a.legacyPasswordHash).toBe('plain:a,"b"\nc');
      });
    });

    describe('weak legacy hashes', () => {
      const weak = [
        'md5:9e107d9d372bb6826bd81d3542a419d6',
        'sha1:2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
        'plain:pw',
        'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ];

      it('lists weak hashes of accounts not yet renewed in id order after a cursor, and counts them', async () => {
        const seeded = await seed(f.accounts, [
          ...weak.map((passwordHash) => ({ passwordHash })),
          { passwordHash: '$2b$04$abcdefghijklmnopqrstuu5Q6T.dKL3yLI9xJmDNm1T6t0bq9yLa6' },
          { passwordHash: 'wrapped-argon2id:md5:$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' },
          { passwordHash: 'plain:renewing' },
          { passwordHash: 'plain:renewed' },
        ]);
        const [p1, p2] = seeded.slice(-2);
        if (!p1 || !p2) throw new Error('not seeded');
        (await saveAccount(f.accounts, pending(p1, 1), p1.version)).unwrap();
        const renewing = pending(p2, 2);
        (await saveAccount(f.accounts, renewing, p2.version)).unwrap();
        expect((await migrate(f.accounts, renewing, 'renewed@x.mx')).saved.isOk()).toBe(true);

        const expected = [...seeded.slice(0, 4).map((a) => a.id), p1.id].sort();
        expect(await f.accounts.countWeakLegacyHashes()).toBe(5);
        const first = await f.accounts.findWeakLegacyHashes(3, null);
        const rest = await f.accounts.findWeakLegacyHashes(3, first[2]?.accountId ?? null);
        expect([...first, ...rest].map((r) => r.accountId)).toEqual(expected);
        expect(rest).toHaveLength(2);
        expect(await f.accounts.findWeakLegacyHashes(3, rest[1]?.accountId ?? null)).toEqual([]);
        const byId = new Map(seeded.map((a) => [a.id, a]));
        for (const r of [...first, ...rest])
          expect(r.hash).toBe(
            (byId.get(r.accountId) as { legacyPasswordHash: string }).legacyPasswordHash,
          );
      });

      it('lists the legacy hashes of every scheme, of accounts not yet renewed, in id order after a cursor', async () => {
        const seeded = await seed(f.accounts, [
          ...weak.map((passwordHash) => ({ passwordHash })),
          { passwordHash: '$2b$04$abcdefghijklmnopqrstuu5Q6T.dKL3yLI9xJmDNm1T6t0bq9yLa6' },
          { passwordHash: 'plain:renewed' },
        ]);
        const renewed = seeded.at(-1);
        if (!renewed) throw new Error('not seeded');
        const renewing = pending(renewed, 1);
        (await saveAccount(f.accounts, renewing, renewed.version)).unwrap();
        expect((await migrate(f.accounts, renewing, 'renewed@x.mx')).saved.isOk()).toBe(true);

        const first = await f.accounts.findLegacyHashes(3, null);
        const rest = await f.accounts.findLegacyHashes(3, first[2]?.accountId ?? null);
        expect([...first, ...rest]).toEqual(
          seeded
            .slice(0, 5)
            .map((a) => ({
              accountId: a.id,
              hash: (a as { legacyPasswordHash: string }).legacyPasswordHash,
            }))
            .sort((a, b) => (a.accountId < b.accountId ? -1 : 1)),
        );
        expect(await f.accounts.findLegacyHashes(3, rest[1]?.accountId ?? null)).toEqual([]);
      });

      it('counts the unsalted LDAP digests as weak, in any case; the salted ones not', async () => {
        const [sha, lower, md5] = await seed(f.accounts, [
          { passwordHash: '{SHA}at+xg6SiyUovktq1redipHiJpaE=' },
          { passwordHash: '{sha}at+xg6SiyUovktq1redipHiJpaE=' },
          { passwordHash: '{MD5}/F4DjTilcDIIVEHn/nAQsA==' },
          { passwordHash: '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr' },
          { passwordHash: '{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE=' },
        ]);
        expect(await f.accounts.countWeakLegacyHashes()).toBe(3);
        expect((await f.accounts.findWeakLegacyHashes(10, null)).map((r) => r.accountId)).toEqual(
          [sha, lower, md5].map((a) => a?.id).sort(),
        );
      });

      it('replaces a legacy hash only if it is unchanged and the account not renewed, bumping the version', async () => {
        const [a, b] = await seed(f.accounts, [
          { passwordHash: 'md5:9e107d9d372bb6826bd81d3542a419d6' },
          { passwordHash: 'plain:x' },
        ]);
        if (!a || !b || a.status !== 'legacy' || b.status !== 'legacy')
          throw new Error('not seeded');
        expect(
          await f.accounts.replaceLegacyHash(
            a.id,
            'md5:00000000000000000000000000000000',
            'wrapped',
            at(5),
          ),
        ).toBe(false);
        expect(await f.accounts.findById(a.id)).toEqual(a);
        expect(
          await f.accounts.replaceLegacyHash(a.id, a.legacyPasswordHash, 'wrapped', at(5)),
        ).toBe(true);
        expect(await f.accounts.findById(a.id)).toEqual({
          ...a,
          legacyPasswordHash: 'wrapped',
          version: a.version + 1,
          updatedAt: at(5),
        });
        expect(await f.accounts.countWeakLegacyHashes()).toBe(1);
        // a writer that read before the replacement loses: the wrapped hash is not undone
        expect(
          (await saveAccount(f.accounts, { ...a, version: a.version + 1 }, a.version)).isErr(),
        ).toBe(true);

        const renewing = pending(b);
        (await saveAccount(f.accounts, renewing, b.version)).unwrap();
        (await migrate(f.accounts, renewing, 'b@x.mx')).saved.unwrap();
        expect(
          await f.accounts.replaceLegacyHash(b.id, b.legacyPasswordHash, 'wrapped', at(6)),
        ).toBe(false);
        expect((await f.accounts.findById(b.id))?.status).toBe('migrated');
        expect(await f.accounts.countWeakLegacyHashes()).toBe(0);
      });
    });
  });
}
