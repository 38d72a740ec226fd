import { createMemoryPorts, type MakeFixture } from '@renueva/domain/testing';
import { afterAll } from 'vitest';
import {
  type Database,
  migrate,
  PostgresAccountRepository,
  PostgresAuditLog,
  PostgresDeliveryEvents,
  PostgresOutbox,
  PostgresSessionStore,
  SecretBox,
} from '../src/index.js';

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
    await emptyTables(d);
    return sqlStores(d);
  };
}

/** Empties every table the stores write, so a test starts from nothing. */
export const emptyTables = (db: Database) =>
  db.query(
    'TRUNCATE accounts, logins, sessions, outbox, audit_log, delivery_events, unknown_identifiers RESTART IDENTITY CASCADE',
  );

/** The SQL stores on one database (the test secret encrypts the outbox). */
export function sqlStores(db: Database) {
  const box = new SecretBox(TEST_SECRET);
  return {
    accounts: new PostgresAccountRepository(db, box),
    sessions: new PostgresSessionStore(db),
    outbox: new PostgresOutbox(db, box),
    audit: new PostgresAuditLog(db),
    deliveryEvents: new PostgresDeliveryEvents(db),
  };
}

/** Use-case ports on the SQL stores, with the test kit's fast fakes and fixed clock. */
export const sqlPorts = (db: Database) => createMemoryPorts(sqlStores(db));
