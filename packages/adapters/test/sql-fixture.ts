import { afterAll } from 'vitest';
import {
  type Database,
  migrate,
  openDatabase,
  PostgresAccountRepository,
  PostgresAuditLog,
  PostgresOutbox,
  PostgresSessionStore,
  SecretBox,
} from '../src/index.js';
import type { MakeFixture } from './fixture.js';

export const TEST_SECRET = 'a-test-server-secret-of-32-characters-or-more';

/** Fresh ports on one database per test file: tables are emptied before each fixture. */
export function sqlFixture(open: () => Promise<Database>): MakeFixture {
  let db: Promise<Database> | null = null;
  afterAll(async () => {
    if (db) await (await db).close();
  });
  return async () => {
    db ??= open().then(async (d) => {
      await migrate(d);
      return d;
    });
    const d = await db;
    await d.query('TRUNCATE accounts, sessions, outbox, audit_log RESTART IDENTITY CASCADE');
    const box = new SecretBox(TEST_SECRET);
    return {
      accounts: new PostgresAccountRepository(d, box),
      sessions: new PostgresSessionStore(d),
      outbox: new PostgresOutbox(d, box),
      audit: new PostgresAuditLog(d),
    };
  };
}

/**
 * A fresh database on the server of DATABASE_URL (so test files can run in parallel);
 * null without DATABASE_URL.
 */
export async function freshPostgresUrl(): Promise<string | null> {
  const url = process.env.DATABASE_URL;
  if (!url) return null;
  const admin = await openDatabase({ databaseUrl: url, maxConnections: 1 });
  const name = `renueva_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Skips loudly without a server, except under CI=true where that is a failure. */
export function requirePostgres(): boolean {
  if (process.env.DATABASE_URL) return true;
  if (process.env.CI === 'true')
    throw new Error('DATABASE_URL is not set: the PostgreSQL tests must run under CI');
  console.warn(
    '\n*** DATABASE_URL is not set: PostgreSQL tests SKIPPED (run `node scripts/with-postgres.mjs npm test`) ***\n',
  );
  return false;
}
