import { createUseCases, type Ports } from '@renueva/domain';
import { createMemoryPorts, seedLegacyAccounts } from '@renueva/domain/testing';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../src/crypto/secret-box.js';
import { type Database, migrate, openDatabase, type Queryable } from '../src/sql/database.js';
import { PostgresAccountRepository } from '../src/sql/postgres-account-repository.js';
import { PostgresAuditLog } from '../src/sql/postgres-audit-log.js';
import { PostgresDeliveryEvents } from '../src/sql/postgres-delivery-events.js';
import { PostgresOutbox } from '../src/sql/postgres-outbox.js';
import { PostgresSessionStore } from '../src/sql/postgres-session-store.js';

/** The SQL store behind a counter of round trips (a transaction: BEGIN, each statement, COMMIT). */
function counting(db: Database) {
  const counter = { trips: 0 };
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      counter.trips++;
      return q.query(sql, params);
    },
    copyCsv: (table, lines) => {
      counter.trips++;
      return q.copyCsv(table, lines);
    },
  });
  const counted: Database = {
    ...wrap(db),
    driver: db.driver,
    pool: db.pool,
    transaction: (fn, options) => {
      counter.trips += 2;
      return db.transaction((tx) => fn(wrap(tx)), options);
    },
    close: () => db.close(),
  };
  return { counted, counter };
}

describe('a sign-in on the SQL store', () => {
  it('costs at most 2 database round trips: the lookup, then the session with its audit entry', async () => {
    const db = await openDatabase({ dataDir: null });
    await migrate(db);
    const { counted, counter } = counting(db);
    const box = new SecretBox('a-test-server-secret-of-32-characters-or-more');
    const store: Partial<Ports> = {
      accounts: new PostgresAccountRepository(counted, box),
      sessions: new PostgresSessionStore(counted),
      audit: new PostgresAuditLog(counted),
      outbox: new PostgresOutbox(counted, box),
      deliveryEvents: new PostgresDeliveryEvents(counted),
    };
    const ports = createMemoryPorts(store);
    const diego = {
      username: 'dbarronrmz1',
      password: 'Gasolina2019',
      customerNumber: '2242455',
      email: 'diego.barron.rmz@oxxogas.com',
    };
    await seedLegacyAccounts(ports, [diego]);
    const uc = createUseCases(ports);
    const context = { ip: '203.0.113.7', userAgent: null };
    const started = (
      await uc.logIn({ identifier: diego.username, password: diego.password, context })
    ).unwrap();
    if (started.kind !== 'renewal_started') throw new Error(started.kind);
    const now = ports.clock.now();
    const [mail] = await ports.outbox.claim(now, new Date(now.getTime() + 60_000), 10);
    const newPassword = 'tortuga violeta bajo el puente';
    (
      await uc.completeRenewal({
        flowToken: started.flowToken,
        code: mail?.email.secret?.code ?? '',
        newPassword,
        confirmation: newPassword,
        context,
      })
    ).unwrap();

    for (let i = 0; i < 3; i++) {
      counter.trips = 0;
      const signedIn = await uc.logIn({ identifier: diego.email, password: newPassword, context });
      expect(signedIn.isOk() && signedIn.value.kind).toBe('signed_in');
      expect(counter.trips).toBeLessThanOrEqual(2);
    }
    // the audit entry went with the session
    expect((await ports.audit.countByAction(null)).login_succeeded).toBe(3);
    await db.close();
  });
});
