import { createHash } from 'node:crypto';
import { createUseCases } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import { type Database, migrate, openDatabase } from '../src/index.js';
import { MIGRATIONS } from '../src/sql/migrations.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';
import { sqlPorts } from './sql-fixture.js';

const fake = (password: string) => `fake$${createHash('sha256').update(password).digest('hex')}`;
const T = (s: number) => new Date(Date.UTC(2026, 2, 2, 16, 0, s));
const IDS = {
  legacy: '10000000-0000-4000-8000-000000000001',
  pending: '10000000-0000-4000-8000-000000000002',
  migrated: '10000000-0000-4000-8000-000000000003',
  recovering: '10000000-0000-4000-8000-000000000004',
};

/** A store as the release before logins left it: accounts carried their own login. */
async function oldStore(db: Database) {
  await migrate(
    db,
    MIGRATIONS.filter((m) => m.name < '003'),
  );
  const insert = (columns: Record<string, unknown>) =>
    db.query(
      `INSERT INTO accounts (${Object.keys(columns).join(', ')})
       VALUES (${Object.keys(columns)
         .map((_, i) => `$${i + 1}`)
         .join(', ')})`,
      Object.values(columns),
    );
  const base = (id: string, n: number) => ({
    id,
    customer_number: String(5000 + n),
    legacy_username: `cliente${n}`,
    registered_email: `cliente${n}@x.mx`,
    version: 3,
    created_at: T(0),
    updated_at: T(10),
  });
  await insert({ ...base(IDS.legacy, 1), status: 'legacy', legacy_password_hash: 'plain:uno' });
  await insert({
    ...base(IDS.pending, 2),
    status: 'pending_renewal',
    legacy_password_hash: 'plain:dos',
    origin: 'login',
    code_hash: 'code-2',
    flow_token_hash: 'flow-2',
    code_issued_at: T(5),
    code_expires_at: T(605),
    code_attempts: 1,
    code_sends: 1,
    code_last_sent_at: T(5),
    wrong_codes: 1,
    wrong_codes_since: T(6),
    recent_sends: [T(5)],
  });
  await insert({
    ...base(IDS.migrated, 3),
    status: 'migrated',
    login_email: 'Cliente3@X.mx',
    password_hash: fake('la contraseña de tres'),
    migrated_at: T(7),
    password_changed_at: T(8),
    failed_logins: 2,
    last_failed_login_at: T(9),
  });
  await insert({
    ...base(IDS.recovering, 4),
    status: 'migrated',
    login_email: 'cliente4@x.mx',
    password_hash: fake('la contraseña de cuatro'),
    migrated_at: T(7),
    password_changed_at: T(7),
    code_hash: 'code-4',
    flow_token_hash: 'flow-4',
    code_issued_at: T(8),
    code_expires_at: T(608),
    code_attempts: 0,
    code_sends: 2,
    code_last_sent_at: T(8),
    recent_sends: [T(1), T(8)],
  });
  await db.query(
    `INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at)
     VALUES ('session-3', $1, $2, $2, $3)`,
    [IDS.migrated, T(9), T(43_209)],
  );
  await db.query(
    `INSERT INTO outbox (template, recipient, locale, data, status, created_at)
     VALUES ('renewal_completed', 'cliente3@x.mx', 'es-MX', $1, 'pending', $2)`,
    [
      JSON.stringify({
        customerNumber: '5003',
        loginEmail: 'cliente3@x.mx',
        requestedAt: T(7),
        requestIp: null,
      }),
      T(7),
    ],
  );
  await db.query(
    `INSERT INTO audit_log (action, account_id, at, detail) VALUES ('renewal_completed', $1, $2, '{}')`,
    [IDS.migrated, T(7)],
  );
}

async function migratesOldStore(db: Database) {
  await oldStore(db);
  // 003 and every later migration
  expect((await migrate(db))[0]).toBe('003-logins');
  const ports = sqlPorts(db);
  const { accounts } = ports;

  // every migrated account is a login of its own (same id), same password, nothing lost
  const three = await accounts.findLoginByEmail('cliente3@x.mx');
  expect(three).toEqual({
    id: IDS.migrated,
    email: 'cliente3@x.mx',
    passwordHash: fake('la contraseña de tres'),
    passwordChangedAt: T(8),
    recovery: null,
    customerNumbers: ['5003'],
    failedLogins: 2,
    lastFailedLoginAt: T(9),
    wrongCodesAt: [],
    anonymousWrongCodesAt: [],
    recentSends: [],
    version: 1,
    createdAt: T(7),
    updatedAt: T(10),
  });
  expect(await accounts.findById(IDS.migrated)).toEqual({
    id: IDS.migrated,
    customerNumber: '5003',
    legacyUsername: 'cliente3',
    registeredEmail: 'cliente3@x.mx',
    status: 'migrated',
    loginId: IDS.migrated,
    migratedAt: T(7),
    version: 3,
    createdAt: T(0),
    updatedAt: T(10),
  });
  // a recovery under way moved with its login
  const four = await accounts.findByFlowTokenHash('flow-4');
  expect(four?.holder === 'login' && four.login).toMatchObject({
    id: IDS.recovering,
    customerNumbers: ['5004'],
    recovery: { codeHash: 'code-4', attempts: 0, sends: 2, expiresAt: T(608) },
    recentSends: [T(1), T(8)],
  });
  // legacy and pending accounts as they were
  expect(await accounts.findById(IDS.legacy)).toMatchObject({
    status: 'legacy',
    legacyPasswordHash: 'plain:uno',
    version: 3,
  });
  expect(await accounts.findByFlowTokenHash('flow-2')).toMatchObject({
    holder: 'account',
    account: {
      id: IDS.pending,
      status: 'pending_renewal',
      challenge: { codeHash: 'code-2', attempts: 1 },
      // the fixed window's count carried over at its start (migration 005)
      wrongCodesAt: [T(6)],
      anonymousWrongCodesAt: [],
      recentSends: [T(5)],
    },
  });
  expect(await accounts.countByStatus()).toEqual({
    legacy: 1,
    pending_renewal: 1,
    migrated: 2,
    logins: 2,
  });

  // the live session belongs to the login now, on its customer number
  expect(await ports.sessions.get('session-3')).toEqual({
    idHash: 'session-3',
    loginId: IDS.migrated,
    customerNumber: '5003',
    createdAt: T(9),
    lastSeenAt: T(9),
    expiresAt: T(43_209),
  });
  // the waiting email still renders: its customer number became a list
  const [email] = await ports.outbox.claim(T(20), T(80), 10);
  expect(email?.email.data.customerNumbers).toEqual(['5003']);

  // and the customer signs in as before: with the email and the same password
  ports.clock.set(T(20));
  const uc = createUseCases(ports);
  const signedIn = await uc.logIn({
    identifier: 'CLIENTE3@x.mx',
    password: 'la contraseña de tres',
    context: { ip: null, userAgent: null },
  });
  expect(signedIn.isOk() && signedIn.value).toMatchObject({
    kind: 'signed_in',
    loginId: IDS.migrated,
    customerNumbers: ['5003'],
  });
  // the table still refuses rows of the wrong shape
  const checks = await db.query<{ conname: string }>(
    "SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'c' ORDER BY 1",
  );
  expect(checks.map((c) => c.conname)).toEqual([
    'accounts_origin_check',
    'accounts_status_check',
    'challenge_shape',
    'legacy_shape',
    'migrated_shape',
    'pending_shape',
  ]);
  await expect(
    db.query('UPDATE accounts SET legacy_password_hash = NULL WHERE id = $1', [IDS.legacy]),
  ).rejects.toThrow(/legacy_shape/);
  await expect(
    db.query("UPDATE accounts SET legacy_password_hash = 'plain:x' WHERE id = $1", [IDS.migrated]),
  ).rejects.toThrow(/migrated_shape/);
  // idempotent
  expect(await migrate(db)).toEqual([]);
}

describe('migration 003: a store of the release before logins', () => {
  it('on PGlite: every migrated account becomes a login with one customer number, nothing lost', async () => {
    const db = await openDatabase({ dataDir: null });
    try {
      await migratesOldStore(db);
    } finally {
      await db.close();
    }
  });

  it.skipIf(!requirePostgres())('on PostgreSQL: the same', async () => {
    const db = await openDatabase({ databaseUrl: await freshPostgresUrl(), maxConnections: 2 });
    try {
      await migratesOldStore(db);
    } finally {
      await db.close();
    }
  });
});
