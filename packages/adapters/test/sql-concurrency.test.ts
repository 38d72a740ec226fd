import {
  createUseCases,
  type DeliveryResult,
  type EmailMessage,
  type Mailer,
} from '@renueva/domain';
import { seedLegacyAccounts } from '@renueva/domain/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, migrate, openDatabase, PostgresOutbox, SecretBox } from '../src/index.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';
import { emptyTables, sqlPorts, TEST_SECRET } from './sql-fixture.js';

const enabled = requirePostgres();
const ctx = { ip: '127.0.0.1', userAgent: 'test' };
const PASSWORD = 'una frase bastante larga';

/** Use cases on a real PostgreSQL server (fast fakes for hashing, a fixed clock). */
async function onPostgres(db: Database) {
  await emptyTables(db);
  const ports = sqlPorts(db);
  await seedLegacyAccounts(ports, [
    {
      username: 'dbarronrmz1',
      password: 'Gasolina2019',
      customerNumber: '2242455',
      email: 'diego@oxxogas.com',
    },
  ]);
  const uc = createUseCases(ports);
  const started = (
    await uc.logIn({ identifier: 'dbarronrmz1', password: 'Gasolina2019', context: ctx })
  ).unwrap();
  if (started.kind !== 'renewal_started') throw new Error('renewal not started');
  const [claimed] = await ports.outbox.claim(ports.clock.now(), ports.clock.now(), 1);
  await db.query('UPDATE outbox SET locked_until = NULL');
  return { ports, uc, flowToken: started.flowToken, code: claimed?.email.secret?.code as string };
}

describe.skipIf(!enabled)('concurrency on a PostgreSQL server', () => {
  let db: Database;
  afterAll(async () => db?.close());
  const open = async () => {
    db ??= await openDatabase({
      databaseUrl: await freshPostgresUrl(),
      maxConnections: 40,
    });
    await migrate(db);
    return db;
  };

  it('20 concurrent completions with the same valid code: exactly 1 success', async () => {
    const { uc, flowToken, code } = await onPostgres(await open());
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        uc.completeRenewal({
          flowToken,
          code,
          newPassword: PASSWORD,
          confirmation: PASSWORD,
          context: ctx,
        }),
      ),
    );
    const ok = results.filter((r) => r.isOk());
    const errors = results.flatMap((r) => (r.isErr() ? [r.error.code] : []));
    expect(ok).toHaveLength(1);
    expect(errors).toHaveLength(19);
    for (const e of errors) expect(['conflict', 'flow_invalid']).toContain(e);
    const [row] = await db.query<{ status: string; version: number }>(
      'SELECT status, version FROM accounts',
    );
    expect(row?.status).toBe('migrated');
    const emails = await db.query<{ template: string }>('SELECT template FROM outbox ORDER BY id');
    expect(emails.map((e) => e.template)).toEqual(['renewal_code', 'renewal_completed']);
    const audit = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'renewal_completed'",
    );
    expect(Number(audit[0]?.n)).toBe(1);
  });

  it('customer numbers of one email completing at the same moment: one login with all of them', async () => {
    const db = await open();
    const { ports, uc } = await onPostgres(db);
    const fleet = ['3000001', '3000002', '3000003', '3000004'];
    await seedLegacyAccounts(
      ports,
      fleet.map((customerNumber, i) => ({
        username: `flota${i}`,
        password: 'legacy-pass',
        customerNumber,
        email: i % 2 ? 'Admin@Flota.mx' : 'admin@flota.mx',
      })),
    );
    // each renewal started from its own browser; the codes go to the one inbox
    const flows: { flowToken: string; code: string }[] = [];
    for (const [i] of fleet.entries()) {
      const started = (
        await uc.logIn({ identifier: `flota${i}`, password: 'legacy-pass', context: ctx })
      ).unwrap();
      if (started.kind !== 'renewal_started') throw new Error('renewal not started');
      flows.push({ flowToken: started.flowToken, code: ports.secrets.codes.at(-1) as string });
    }
    const results = await Promise.all(
      flows.map(({ flowToken, code }, i) =>
        uc.completeRenewal({
          flowToken,
          code,
          newPassword: `${PASSWORD} ${i}`,
          confirmation: `${PASSWORD} ${i}`,
          context: ctx,
        }),
      ),
    );
    expect(results.map((r) => r.isOk())).toEqual([true, true, true, true]);
    const logins = await db.query<{ id: string; email: string }>('SELECT id, email FROM logins');
    expect(logins).toHaveLength(1);
    expect(logins[0]?.email).toBe('admin@flota.mx');
    const members = await db.query<{ customer_number: string; login_id: string }>(
      "SELECT customer_number, login_id FROM accounts WHERE customer_number LIKE '300000%' ORDER BY 1",
    );
    expect(members).toEqual(fleet.map((n) => ({ customer_number: n, login_id: logins[0]?.id })));
    // the last completion to win set the password; every answer named the numbers joined so far
    const login = await ports.accounts.findLoginByEmail('ADMIN@flota.mx');
    expect(login?.customerNumbers).toEqual(fleet);
    expect(results.filter((r) => r.isOk() && !r.value.passwordChanged)).toHaveLength(1);
  });

  it('50 concurrent wrong codes count at most 5 attempts against that code', async () => {
    const { uc, flowToken, code, ports } = await onPostgres(await open());
    const wrong = code === '000000' ? '111111' : '000000';
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        uc.completeRenewal({
          flowToken,
          code: wrong,
          newPassword: PASSWORD,
          confirmation: PASSWORD,
          context: ctx,
        }),
      ),
    );
    expect(results.every((r) => r.isErr())).toBe(true);
    const account = await ports.accounts.findByLegacyUsername('dbarronrmz1');
    expect(account?.status === 'pending_renewal' && account.challenge.attempts).toBe(5);
    const invalid = results.filter((r) => r.isErr() && r.error.code === 'code_invalid');
    expect(invalid.length).toBeLessThanOrEqual(4);
    // and the right code is refused now
    const right = await uc.completeRenewal({
      flowToken,
      code,
      newPassword: PASSWORD,
      confirmation: PASSWORD,
      context: ctx,
    });
    expect(right.isErr() && right.error.code).toBe('code_exhausted');
  });

  it('concurrent wrong passwords are all counted; 10 concurrent right ones all sign in', async () => {
    const { uc, ports, flowToken, code } = await onPostgres(await open());
    (
      await uc.completeRenewal({
        flowToken,
        code,
        newPassword: PASSWORD,
        confirmation: PASSWORD,
        context: ctx,
      })
    ).unwrap();
    const good = await Promise.all(
      Array.from({ length: 10 }, () =>
        uc.logIn({ identifier: 'diego@oxxogas.com', password: PASSWORD, context: ctx }),
      ),
    );
    expect(good.every((r) => r.isOk() && r.value.kind === 'signed_in')).toBe(true);
    await Promise.all(
      Array.from({ length: 5 }, () =>
        uc.logIn({ identifier: 'diego@oxxogas.com', password: 'wrong', context: ctx }),
      ),
    );
    expect((await ports.accounts.findLoginByEmail('diego@oxxogas.com'))?.failedLogins).toBe(5);
  });

  it('a claim skips the rows another claim holds locked, and never waits for them', async () => {
    const database = await open();
    await emptyTables(database);
    const box = new SecretBox(TEST_SECRET);
    const seeded = sqlPorts(database);
    await seedLegacyAccounts(
      seeded,
      Array.from({ length: 6 }, (_, i) => ({
        username: `u${i}`,
        password: 'legacy-pass',
        customerNumber: String(i + 1),
        email: `u${i}@x.mx`,
      })),
    );
    const seededUc = createUseCases(seeded);
    for (let i = 0; i < 6; i++)
      (
        await seededUc.logIn({ identifier: `u${i}`, password: 'legacy-pass', context: ctx })
      ).unwrap();
    const now = seeded.clock.now();
    const lease = new Date(now.getTime() + 60_000);
    const ids = (messages: { id: string }[]) => messages.map((m) => m.id).sort();
    // the first claim's transaction stays open (its row locks held, its lease not yet
    // visible) while a second dispatcher claims on another connection
    const [first, second] = await database.transaction(
      async (tx) => {
        const held = await new PostgresOutbox(tx as unknown as Database, box).claim(now, lease, 4);
        const other = new PostgresOutbox(database, box).claim(now, lease, 10);
        const waited = new Promise<'waited'>((resolve) => setTimeout(resolve, 5000, 'waited'));
        const outcome = await Promise.race([other, waited]);
        if (outcome === 'waited') throw new Error("the second claim waited for the first's locks");
        return [held, outcome];
      },
      { rollback: true },
    );
    expect(first).toHaveLength(4);
    expect(second).toHaveLength(2);
    expect(ids([...first, ...second])).toEqual(ids(await seeded.outbox.list({ limit: 10 })));
  });

  it('two dispatchers on one server never send a message twice', async () => {
    const database = await open();
    await emptyTables(database);
    const box = new SecretBox(TEST_SECRET);
    const sent: string[] = [];
    class SlowCountingMailer implements Mailer {
      async send(email: EmailMessage): Promise<DeliveryResult> {
        await new Promise((r) => setTimeout(r, 2));
        sent.push(email.to);
        return { status: 'sent', providerId: null };
      }
    }
    const seeded = sqlPorts(database);
    await seedLegacyAccounts(
      seeded,
      Array.from({ length: 60 }, (_, i) => ({
        username: `u${i}`,
        password: 'legacy-pass',
        customerNumber: String(i + 1),
        email: `u${i}@x.mx`,
      })),
    );
    const seededUc = createUseCases(seeded);
    for (let i = 0; i < 60; i++)
      (
        await seededUc.logIn({ identifier: `u${i}`, password: 'legacy-pass', context: ctx })
      ).unwrap();
    const dispatcher = () =>
      createUseCases({
        ...seeded,
        outbox: new PostgresOutbox(database, box),
        mailer: new SlowCountingMailer(),
      }).deliverPendingEmails;
    const [d1, d2] = [dispatcher(), dispatcher()];
    const reports = [];
    for (let round = 0; round < 10; round++)
      reports.push(...(await Promise.all([d1({ limit: 7 }), d2({ limit: 7 })])));
    expect(sent).toHaveLength(60);
    expect(new Set(sent).size).toBe(60);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(60);
  });
});
