import { createUseCases } from '@renueva/domain';
import { seedLegacyAccounts } from '@renueva/domain/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrate, openDatabase } from '../src/index.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';
import { emptyTables, sqlPorts, sqlStores } from './sql-fixture.js';

// What only the SQL stores do (the shared contracts cover the rest): lookups that forgive
// spaces around a key, ids that are not uuids, the outbox depth read by /metrics, and
// error texts cut to their column.
describe.skipIf(!requirePostgres())('PostgreSQL stores beyond the contracts', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: await freshPostgresUrl() });
    await migrate(db);
  });
  afterAll(async () => db?.close());

  async function fresh() {
    await emptyTables(db);
    const ports = sqlPorts(db);
    await seedLegacyAccounts(ports, [
      {
        username: 'DBarron',
        password: 'vieja-1',
        customerNumber: '2242455',
        email: 'diego@correo.mx',
      },
      { username: 'otro', password: 'vieja-2', customerNumber: '300', email: 'otro@correo.mx' },
    ]);
    return ports;
  }

  it('finds accounts and logins by a key with spaces around it', async () => {
    const { accounts } = await fresh();
    expect((await accounts.findByLegacyUsername('  dbarron\t'))?.customerNumber).toBe('2242455');
    expect((await accounts.findByCustomerNumber(' 2242455 '))?.legacyUsername).toBe('DBarron');
    expect(
      (await accounts.findByRegisteredEmail(' DIEGO@correo.mx ')).map((a) => a.customerNumber),
    ).toEqual(['2242455']);
    expect(await accounts.findLoginByEmail(' nadie@correo.mx ')).toBeNull();
  });

  it('an id that is not exactly a uuid matches nothing, without asking the server', async () => {
    const { accounts } = await fresh();
    const a = await accounts.findByLegacyUsername('DBarron');
    if (!a) throw new Error('not seeded');
    expect((await accounts.findById(a.id))?.id).toBe(a.id);
    for (const id of [`x${a.id}`, `${a.id}x`, 'not-a-uuid']) {
      expect(await accounts.findById(id)).toBeNull();
      expect(await accounts.findLogin(id)).toBeNull();
      expect(
        await accounts.replaceLegacyHash(
          id,
          a.status === 'migrated' ? '' : a.legacyPasswordHash,
          'plain:x',
          new Date(),
        ),
      ).toBe(false);
    }
  });

  it('the outbox depth: pending, dead and the oldest pending, as /metrics reads them', async () => {
    const ports = await fresh();
    const outbox = sqlStores(db).outbox;
    expect(await outbox.depth()).toEqual({ pending: 0, dead: 0, oldestPendingAt: null });
    const uc = createUseCases(ports);
    const context = { ip: null, userAgent: null };
    const first = ports.clock.now();
    await uc.logIn({ identifier: 'DBarron', password: 'vieja-1', context });
    ports.clock.advance(60);
    await uc.logIn({ identifier: 'otro', password: 'vieja-2', context });
    expect(await outbox.depth()).toEqual({ pending: 2, dead: 0, oldestPendingAt: first });
    const [oldest] = await outbox.claim(
      ports.clock.now(),
      new Date(ports.clock.now().getTime() + 60_000),
      1,
    );
    if (!oldest) throw new Error('nothing claimed');
    await outbox.markDead(oldest.id, 'x'.repeat(600));
    const depth = await outbox.depth();
    expect(depth).toMatchObject({ pending: 1, dead: 1 });
    expect(depth.oldestPendingAt?.getTime()).toBe(first.getTime() + 60_000);
    const [dead] = await outbox.list({ status: 'dead', limit: 5 });
    expect(dead?.lastError).toBe('x'.repeat(500));
  });

  it('a retry keeps at most 500 characters of the error', async () => {
    const ports = await fresh();
    const uc = createUseCases(ports);
    await uc.logIn({
      identifier: 'DBarron',
      password: 'vieja-1',
      context: { ip: null, userAgent: null },
    });
    const now = ports.clock.now();
    const [m] = await ports.outbox.claim(now, new Date(now.getTime() + 60_000), 1);
    if (!m) throw new Error('nothing claimed');
    await ports.outbox.markRetry(
      m.id,
      `HTTP 503 ${'y'.repeat(600)}`,
      new Date(now.getTime() + 30_000),
    );
    const [pending] = await ports.outbox.list({ status: 'pending', limit: 5 });
    expect(pending?.lastError).toBe(`HTTP 503 ${'y'.repeat(491)}`);
  });
});
