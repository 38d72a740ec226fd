import type { DeliveryEvent, EmailMessage } from '@renueva/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { at, type MakeFixture, type StoreFixture, seed, seedLogins } from './fixture.js';

const email = (n: number, template: EmailMessage['template'] = 'renewal_code'): EmailMessage => ({
  template,
  to: `c${n}@x.mx`,
  locale: 'es-MX',
  data: {
    customerNumbers: [String(n)],
    requestedAt: at(n),
    requestIp: null,
    expiresAt: at(n + 600),
  },
  ...(template.endsWith('_code') ? { secret: { code: String(100000 + n) } } : {}),
});

/** Puts emails in the outbox the only way the system does: with a save. */
async function enqueue(f: StoreFixture, emails: EmailMessage[]) {
  const [a] = await seed(f.accounts, [{}]);
  if (!a) throw new Error('not seeded');
  (
    await f.accounts.save({
      account: { next: { ...a, version: a.version + 1 }, expectedVersion: a.version },
      effects: emails.map((e) => ({ type: 'email' as const, email: e })),
    })
  ).unwrap();
}

/** The `SessionStore` contract, as vitest tests named after `name`. */
export function sessionStoreContract(name: string, make: MakeFixture) {
  describe(`SessionStore contract: ${name}`, () => {
    let f: StoreFixture;
    beforeEach(async () => {
      f = await make();
    });

    it('creates, reads, touches, switches, deletes (idempotently) and ends all sessions of a login', async () => {
      const [a, b] = await seedLogins(f.accounts, ['a@x.mx', 'b@x.mx']);
      if (!a || !b) throw new Error('not seeded');
      const s = (id: string, loginId: string) => ({
        idHash: id,
        loginId,
        customerNumber: '9000',
        createdAt: at(0),
        lastSeenAt: at(0),
        expiresAt: at(43_200),
      });
      await f.sessions.create(s('h1', a.id));
      await f.sessions.create(s('h2', a.id));
      await f.sessions.create(s('h3', b.id));
      expect(await f.sessions.get('h1')).toEqual(s('h1', a.id));
      expect(await f.sessions.get('nope')).toBeNull();
      await f.sessions.touch('h1', at(60));
      expect((await f.sessions.get('h1'))?.lastSeenAt).toEqual(at(60));
      await f.sessions.selectCustomerNumber('h1', '9001');
      expect(await f.sessions.get('h1')).toEqual({
        ...s('h1', a.id),
        lastSeenAt: at(60),
        customerNumber: '9001',
      });
      await f.sessions.delete('h1');
      await f.sessions.delete('h1');
      expect(await f.sessions.get('h1')).toBeNull();
      await f.sessions.deleteAllForLogin(a.id);
      expect(await f.sessions.get('h2')).toBeNull();
      expect(await f.sessions.get('h3')).not.toBeNull();
    });
  });
}

/** The `Outbox` contract (its messages are enqueued by `AccountRepository.save`). */
export function outboxContract(name: string, make: MakeFixture) {
  describe(`Outbox contract: ${name}`, () => {
    let f: StoreFixture;
    beforeEach(async () => {
      f = await make();
    });

    it('claims due messages oldest first, leased so a second claimer gets none of them', async () => {
      await enqueue(f, [email(1), email(2), email(3, 'renewal_completed')]);
      const first = await f.outbox.claim(at(10), at(70), 2);
      expect(first.map((m) => m.email.to)).toEqual(['c1@x.mx', 'c2@x.mx']);
      expect(first[0]?.email.secret).toEqual({ code: '100001' });
      const second = await f.outbox.claim(at(10), at(70), 10);
      expect(second.map((m) => m.email.to)).toEqual(['c3@x.mx']);
      expect(await f.outbox.claim(at(69), at(130), 10)).toEqual([]);
      // an expired lease (a crashed dispatcher) makes them claimable again
      expect((await f.outbox.claim(at(70), at(130), 10)).length).toBe(3);
    });

    it('marks sent (secret erased), retries later, marks dead; counts and lists', async () => {
      await enqueue(f, [email(1), email(2), email(3, 'password_changed')]);
      const [m1, m2, m3] = await f.outbox.claim(at(10), at(70), 10);
      if (!m1 || !m2 || !m3) throw new Error('not claimed');
      await f.outbox.markSent(m1.id, at(11), 'pm-0001');
      await f.outbox.markRetry(m2.id, 'HTTP 503', at(100));
      await f.outbox.markDead(m3.id, 'inactive recipient', at(12));
      expect(await f.outbox.countByStatus()).toEqual({ pending: 1, sent: 1, dead: 1 });
      expect(await f.outbox.claim(at(99), at(160), 10)).toEqual([]);
      const [retried] = await f.outbox.claim(at(100), at(160), 10);
      expect(retried).toMatchObject({
        id: m2.id,
        attempts: 1,
        email: { secret: { code: '100002' } },
      });
      const listed = await f.outbox.list({ limit: 10 });
      expect(listed.map((e) => e.status).sort()).toEqual(['dead', 'pending', 'sent']);
      expect(await f.outbox.list({ status: 'dead', limit: 10 })).toEqual([
        expect.objectContaining({
          id: m3.id,
          template: 'password_changed',
          to: 'c3@x.mx',
          attempts: 1,
          lastError: 'inactive recipient',
          providerId: null,
        }),
      ]);
      expect(await f.outbox.list({ status: 'sent', limit: 10 })).toEqual([
        expect.objectContaining({ id: m1.id, attempts: 1, providerId: 'pm-0001' }),
      ]);
    });

    it('revives dead messages, except code emails whose code was erased', async () => {
      await enqueue(f, [email(1), email(2, 'renewal_completed'), email(3, 'password_changed')]);
      const claimed = await f.outbox.claim(at(10), at(70), 10);
      for (const m of claimed) await f.outbox.markDead(m.id, 'HTTP 422', at(11));
      const [, second, third] = claimed;
      if (!second || !third) throw new Error('not claimed');
      expect(await f.outbox.retry({ id: second.id }, at(20))).toBe(1);
      expect(await f.outbox.retry({ allDead: true }, at(20))).toBe(1); // the code email stays dead
      expect(await f.outbox.countByStatus()).toEqual({ pending: 2, sent: 0, dead: 1 });
      expect((await f.outbox.claim(at(20), at(80), 10)).map((m) => m.id).sort()).toEqual(
        [second.id, third.id].sort(),
      );
      expect(await f.outbox.retry({ id: '999999' }, at(20))).toBe(0);
    });
  });
}

/** The `AuditLog` contract. */
export function auditLogContract(name: string, make: MakeFixture) {
  describe(`AuditLog contract: ${name}`, () => {
    it('appends and counts by action, all time or since a time', async () => {
      const f = await make();
      await f.audit.append([
        {
          action: 'login_failed',
          accountId: null,
          loginId: null,
          at: at(0),
          ip: '203.0.113.7',
          detail: { reason: 'unknown_identifier' },
        },
        {
          action: 'login_failed',
          accountId: null,
          loginId: null,
          at: at(100),
          ip: null,
          detail: {},
        },
        {
          action: 'imported',
          accountId: null,
          loginId: null,
          at: at(200),
          ip: null,
          detail: { inserted: 3 },
        },
      ]);
      expect(await f.audit.countByAction(null)).toEqual({ login_failed: 2, imported: 1 });
      expect(await f.audit.countByAction(at(100))).toEqual({ login_failed: 1, imported: 1 });
      expect(await f.audit.countByAction(at(1000))).toEqual({});
    });

    it('lists oldest first a page at a time, since a time, about some accounts or logins', async () => {
      const f = await make();
      const [a, b] = await seed(f.accounts, [{}, {}]);
      const [login] = await seedLogins(f.accounts, ['l@x.mx']);
      if (!a || !b || !login) throw new Error('not seeded');
      const entry = (n: number, accountId: string | null, loginId: string | null) => ({
        action: 'login_failed' as const,
        accountId,
        loginId,
        at: at(n),
        ip: null,
        detail: { n },
      });
      await f.audit.append([
        entry(0, a.id, null),
        entry(1, null, null),
        entry(2, b.id, null),
        entry(3, null, login.id),
        entry(4, a.id, null),
        entry(5, b.id, login.id),
      ]);
      const all = async (filter: Parameters<typeof f.audit.list>[0], limit: number) => {
        const ns: unknown[] = [];
        let after: string | null = null;
        for (;;) {
          const page = await f.audit.list(filter, { after, limit });
          ns.push(...page.map((e) => e.detail.n));
          if (page.length < limit) return ns;
          after = page.at(-1)?.id ?? null;
        }
      };
      expect(await all({ since: null }, 2)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await all({ since: at(2) }, 10)).toEqual([2, 3, 4, 5]);
      expect(await all({ since: null, accountIds: [a.id] }, 1)).toEqual([0, 4]);
      // a login's entries as a whole; those about one of its accounts go with the account
      expect(await all({ since: null, accountIds: [b.id], loginIds: [login.id] }, 10)).toEqual([
        2, 3, 5,
      ]);
      expect(await all({ since: null, accountIds: [], loginIds: [login.id] }, 10)).toEqual([3]);
      expect(await all({ since: null, accountIds: [], loginIds: [] }, 10)).toEqual([]);
      const [first] = await f.audit.list({ since: null }, { after: null, limit: 1 });
      expect(first).toEqual({ id: expect.any(String), ...entry(0, a.id, null) });
    });
  });
}

/** The `DeliveryEvents` contract. */
export function deliveryEventsContract(name: string, make: MakeFixture) {
  describe(`DeliveryEvents contract: ${name}`, () => {
    const event = (id: string, kind: DeliveryEvent['kind'], email: string, s: number) => ({
      id,
      kind,
      email,
      providerMessageId: `pm-${id}`,
      detail: kind === 'soft_bounce' ? 'SoftBounce' : 'HardBounce',
      at: at(s),
    });

    it('records each event once; hard bounces and complaints make an address undeliverable, in any case', async () => {
      const f = await make();
      const d = f.deliveryEvents;
      expect(await d.record(event('1', 'soft_bounce', 'a@x.mx', 10), at(11))).toBe(true);
      expect(await d.undeliverable('a@x.mx')).toBeNull();
      expect(await d.record(event('2', 'hard_bounce', 'A@X.mx', 20), at(21))).toBe(true);
      expect(await d.record(event('2', 'hard_bounce', 'A@X.mx', 20), at(22))).toBe(false);
      expect(await d.record(event('3', 'spam_complaint', 'b@x.mx', 30), at(31))).toBe(true);
      expect(await d.undeliverable('a@X.MX')).toEqual({
        email: 'A@X.mx',
        kind: 'hard_bounce',
        detail: 'HardBounce',
        at: at(20),
      });
      expect(await d.undeliverable('b@x.mx')).toMatchObject({ kind: 'spam_complaint' });
      expect(await d.undeliverable('c@x.mx')).toBeNull();
      expect(await d.counts()).toEqual({
        hard_bounce: 1,
        soft_bounce: 1,
        spam_complaint: 1,
        undeliverable: 2,
      });
    });

    it('clears an address (idempotently) until its next hard bounce; a repeated old one stays ignored', async () => {
      const f = await make();
      const d = f.deliveryEvents;
      await d.record(event('1', 'hard_bounce', 'a@x.mx', 10), at(11));
      await d.record(event('2', 'hard_bounce', 'b@x.mx', 10), at(11));
      await d.clear('A@x.mx', at(50));
      await d.clear('a@x.mx', at(51));
      expect(await d.undeliverable('a@x.mx')).toBeNull();
      expect(await d.undeliverable('b@x.mx')).not.toBeNull();
      expect(await d.record(event('1', 'hard_bounce', 'a@x.mx', 10), at(60))).toBe(false);
      expect(await d.undeliverable('a@x.mx')).toBeNull();
      expect((await d.counts()).undeliverable).toBe(1);
      await d.record(event('3', 'hard_bounce', 'a@x.mx', 70), at(71));
      expect(await d.undeliverable('a@x.mx')).toMatchObject({ at: at(70) });
    });
  });
}

/** The `SessionStore`, `Outbox`, `AuditLog` and `DeliveryEvents` contracts, for one implementation. */
export function storeContracts(name: string, make: MakeFixture) {
  sessionStoreContract(name, make);
  outboxContract(name, make);
  auditLogContract(name, make);
  deliveryEventsContract(name, make);
}
