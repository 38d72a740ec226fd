import { describe, expect, it, vi } from 'vitest';
import { createUseCases, type RawImportRow } from '../../src/index.js';
import { createMemoryPorts } from '../../testing/index.js';
import { ctx, DIEGO, errorOf, NEW_PASSWORD, setup } from './setup.js';

async function signedIn() {
  const s = await setup();
  await s.migrate();
  const r = (
    await s.uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx })
  ).unwrap();
  if (r.kind !== 'signed_in') throw new Error('not signed in');
  return { ...s, token: r.sessionToken };
}

describe('sessions', () => {
  it('stores only the hash of the token', async () => {
    const { ports, token } = await signedIn();
    expect(await ports.sessions.get(token)).toBeNull();
    expect(await ports.sessions.get(ports.secrets.mac(token))).not.toBeNull();
  });

  it('end after 30 idle minutes, slide with activity, and end at 12 h whatever the activity', async () => {
    const { uc, ports, token } = await signedIn();
    for (let i = 0; i < 24; i++) {
      ports.clock.advance(29 * 60);
      expect((await uc.validateSession({ token })).isOk()).toBe(true);
    }
    ports.clock.advance(29 * 60); // 12 h 6 min after sign-in
    expect(errorOf(await uc.validateSession({ token }))).toEqual({ code: 'session_invalid' });

    const again = await signedIn();
    again.ports.clock.advance(30 * 60);
    expect(errorOf(await again.uc.validateSession({ token: again.token }))).toEqual({
      code: 'session_invalid',
    });
  });

  it('log-out ends the session and is idempotent', async () => {
    const { uc, token } = await signedIn();
    (await uc.logOut({ token })).unwrap();
    (await uc.logOut({ token })).unwrap();
    (await uc.logOut({ token: '' })).unwrap();
    expect(errorOf(await uc.validateSession({ token }))).toEqual({ code: 'session_invalid' });
    expect(errorOf(await uc.validateSession({ token: '' }))).toEqual({ code: 'session_invalid' });
  });
});

describe('setRegisteredEmail (support)', () => {
  it('fixes a missing email, audited, and the customer can then renew', async () => {
    const { uc, ports, account, startRenewal } = await setup();
    const r = await uc.setRegisteredEmail({
      customerNumber: '100',
      email: 'Nuevo@Correo.mx',
      actor: 'cli:soporte',
    });
    expect(r.unwrap().registeredEmail).toBe('nuevo@correo.mx');
    expect((await account('SinCorreo')).registeredEmail).toBe('nuevo@correo.mx');
    expect(ports.audit.entries().at(-1)).toMatchObject({
      action: 'email_set',
      detail: { actor: 'cli:soporte' },
    });
    expect((await startRenewal('SinCorreo', 'legacy-pass')).maskedEmail).toBe('nu***@corr**.m*');
  });

  it('cancels a pending renewal whose code went to the old address', async () => {
    const { uc, startRenewal, codeFor, complete, account } = await setup();
    const { flowToken } = await startRenewal();
    (
      await uc.setRegisteredEmail({
        customerNumber: DIEGO.customerNumber,
        email: 'diego@nuevo.mx',
        actor: 'x',
      })
    ).unwrap();
    expect((await account()).status).toBe('legacy');
    expect(errorOf(await complete(flowToken, codeFor()))).toEqual({ code: 'flow_invalid' });
  });

  it('names every refusal', async () => {
    const { uc, migrate } = await setup();
    await migrate();
    const set = (customerNumber: string, email: string) =>
      uc.setRegisteredEmail({ customerNumber, email, actor: 'x' });
    expect(errorOf(await set('999', 'a@b.mx'))).toEqual({ code: 'not_found' });
    expect(errorOf(await set(DIEGO.customerNumber, 'a@b.mx'))).toEqual({
      code: 'already_migrated',
    });
    // a renewed customer number: only its login's own email, which support vouches for again
    expect((await set(DIEGO.customerNumber, DIEGO.email.toUpperCase())).unwrap().status).toBe(
      'migrated',
    );
    // an email that already is a login is fine: that renewal will join it
    expect((await set('100', DIEGO.email)).isOk()).toBe(true);
    expect(errorOf(await set('100', 'no-es-correo')).code).toBe('invalid_input');
    expect(errorOf(await set('abc', 'a@b.mx')).code).toBe('invalid_input');
  });
});

describe('findAccount and unlockSignIn (support)', () => {
  it('finds a login with its numbers by email, number or username; an email on record by its accounts', async () => {
    const { uc, migrate } = await setup();
    await migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    // by email: the login, and the customer number with that email that has not joined yet
    const half = (await uc.findAccount({ key: 'admin@flotillas.mx' })).unwrap();
    expect(half.login?.customerNumbers).toEqual(['102']);
    expect(half.accounts.map((a) => [a.customerNumber, a.status])).toEqual([
      ['102', 'migrated'],
      ['103', 'legacy'],
    ]);
    await migrate('flotilla02', 'legacy-pass', 'admin@flotillas.mx');
    for (const key of ['ADMIN@flotillas.mx', '103', 'Flotilla01']) {
      const found = (await uc.findAccount({ key })).unwrap();
      expect(found.login?.customerNumbers).toEqual(['102', '103']);
      expect(found.accounts.map((a) => a.customerNumber)).toEqual(['102', '103']);
    }
    // not a login: the customer numbers with that email on record
    const registered = (await uc.findAccount({ key: DIEGO.email.toUpperCase() })).unwrap();
    expect(registered.login).toBeNull();
    expect(registered.accounts.map((a) => a.customerNumber)).toEqual([DIEGO.customerNumber]);
    expect(errorOf(await uc.findAccount({ key: 'nadie@x.mx' })).code).toBe('not_found');
    expect(errorOf(await uc.findAccount({ key: 'x y' })).code).toBe('not_found');
  });

  it('clears the back-off of a login, or of a legacy account, audited; names an ambiguous email', async () => {
    const { uc, ports, migrate, holder } = await setup();
    await migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    const wrong = (identifier: string) => uc.logIn({ identifier, password: 'no es', context: ctx });
    for (let i = 0; i < 6; i++) await wrong('admin@flotillas.mx');
    for (let i = 0; i < 6; i++) await wrong(DIEGO.username);
    expect(errorOf(await wrong('admin@flotillas.mx')).code).toBe('throttled');
    const unlocked = (await uc.unlockSignIn({ key: '102', actor: 'cli:ana' })).unwrap();
    expect(unlocked.login?.failedLogins).toBe(0);
    expect((await holder('flotilla01')).failedLogins).toBe(0);
    (await uc.unlockSignIn({ key: DIEGO.email, actor: 'cli:ana' })).unwrap();
    expect((await holder()).failedLogins).toBe(0);
    expect(ports.audit.entries().filter((e) => e.action === 'unlocked')).toHaveLength(2);
    // idempotent: nothing to clear, nothing written
    (await uc.unlockSignIn({ key: '102', actor: 'cli:ana' })).unwrap();
    expect(ports.audit.entries().filter((e) => e.action === 'unlocked')).toHaveLength(2);
    // two customer numbers with one email on record and no login yet: name one
    await uc.setRegisteredEmail({ customerNumber: '100', email: 'dos@x.mx', actor: 't' });
    await uc.setRegisteredEmail({ customerNumber: '101', email: 'dos@x.mx', actor: 't' });
    expect(errorOf(await uc.unlockSignIn({ key: 'dos@x.mx', actor: 't' }))).toMatchObject({
      code: 'invalid_input',
    });
    expect(errorOf(await uc.unlockSignIn({ key: 'nadie', actor: 't' })).code).toBe('not_found');
  });
});

describe('migrationStats', () => {
  it('reports the funnel', async () => {
    const { uc, migrate, startRenewal, complete, wrong, codeFor } = await setup();
    await migrate();
    const { flowToken } = await startRenewal('flotilla01', 'legacy-pass');
    await complete(flowToken, wrong(codeFor('admin@flotillas.mx')));
    await uc.logIn({ identifier: 'nadie', password: 'x', context: ctx });
    const stats = await uc.migrationStats();
    expect(stats.accounts).toEqual({
      legacy: 3,
      pending_renewal: 1,
      migrated: 1,
      logins: 1,
      total: 5,
      percentMigrated: 20,
      weakLegacyHashes: 4,
    });
    expect(stats.activity.allTime).toEqual({
      renewalsStarted: 2,
      codesSent: 2,
      renewalsCompleted: 1,
      failedLogins: 1,
      failedCodes: 1,
      recoveriesRequested: 0,
      recoveries: 0,
    });
    expect(stats.activity.last24h).toEqual(stats.activity.allTime);
    expect(stats.emails).toEqual({ pending: 3, sent: 0, dead: 0 });
    expect(stats.delivery).toEqual({
      hard_bounce: 0,
      soft_bounce: 0,
      spam_complaint: 0,
      undeliverable: 0,
    });
  });
});

/** Three code emails waiting, and a mailer whose every send takes `seconds` of the clock. */
async function slowSends(seconds: number) {
  const s = await setup();
  await s.startRenewal();
  await s.startRenewal('flotilla01', 'legacy-pass');
  await s.startRenewal('flotilla02', 'legacy-pass');
  const send = s.ports.mailer.send.bind(s.ports.mailer);
  s.ports.mailer.send = async (email) => {
    s.ports.clock.advance(seconds);
    return send(email);
  };
  return s;
}

describe('deliverPendingEmails', () => {
  it('starts no send once its lease is nearly over: another dispatcher may claim the rest', async () => {
    // each send takes 25 s of the 60 s lease: the third would outlast it
    const { uc, ports } = await slowSends(25);
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 2, retried: 0, dead: 0 });
    // the third is still pending, leased until its lease runs out; then the next round sends it
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 0, retried: 0, dead: 0 });
    ports.clock.advance(11);
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(ports.mailer.sent).toHaveLength(3); // each once
  });

  it('retries transient failures with exponential backoff, then delivers once', async () => {
    const { uc, ports, startRenewal } = await setup();
    await startRenewal();
    ports.mailer.failNext(3);
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 0, retried: 0, dead: 0 }); // not due yet
    for (const wait of [30, 60, 120]) {
      ports.clock.advance(wait);
      const report = await uc.deliverPendingEmails({ limit: 10 });
      expect(report.sent + report.retried).toBe(1);
    }
    expect(ports.mailer.sent).toHaveLength(1);
    const [entry] = await ports.outbox.list({ limit: 10 });
    expect(entry).toMatchObject({ status: 'sent', attempts: 4, providerId: 'rec-1' });
    expect(ports.outbox.messages()[0]?.email.secret).toBeUndefined();
  });

  it('marks permanent failures dead at once, and gives up after the last attempt', async () => {
    const { uc, ports, startRenewal } = await setup({ emailMaxAttempts: 2 });
    await startRenewal();
    ports.mailer.failNext(1, { status: 'permanent', reason: 'inactive recipient' });
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(ports.outbox.messages()[0]).toMatchObject({
      status: 'dead',
      lastError: 'inactive recipient',
    });
    expect(ports.outbox.messages()[0]?.email.secret).toBeUndefined();
    // a dead code email cannot be revived: its code is gone
    expect(await ports.outbox.retry({ allDead: true }, ports.clock.now())).toBe(0);

    ports.clock.advance(61);
    await startRenewal();
    ports.mailer.failNext(2);
    await uc.deliverPendingEmails({ limit: 10 });
    ports.clock.advance(30);
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 0, retried: 0, dead: 1 });
  });

  it('treats a mailer that throws as a transient failure', async () => {
    const { uc, ports, startRenewal } = await setup();
    await startRenewal();
    ports.mailer.send = async () => {
      throw new Error('socket hang up');
    };
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 0, retried: 1, dead: 0 });
    expect(ports.outbox.messages()[0]?.lastError).toBe('socket hang up');
  });
});

describe('importLegacyAccounts', () => {
  const row = (
    line: number,
    fields: Partial<Record<'customer_number' | 'username' | 'email' | 'password_hash', string>>,
  ) => ({
    line,
    customer_number: '500',
    username: 'nuevo',
    email: 'nuevo@correo.mx',
    password_hash: 'plain:secreto',
    ...fields,
  });
  async function* rows(...list: ReturnType<typeof row>[]) {
    yield* list;
  }

  it('validates each row with a reason, imports the rest, and is idempotent', async () => {
    const { uc, account } = await setup();
    const file = () =>
      rows(
        row(2, {}),
        row(3, { customer_number: '50a', username: 'b' }),
        row(4, { customer_number: '501', username: 'con espacio' }),
        row(5, { customer_number: '502', username: 'c', password_hash: 'rot13:abc' }),
        row(6, { customer_number: '503', username: 'd', password_hash: '' }),
        row(7, { customer_number: '504', username: 'e', email: '' }),
        row(8, { customer_number: '505', username: 'f', email: 'malo@' }),
        row(9, { customer_number: '500', username: 'g' }),
        row(10, { customer_number: '506', username: 'NUEVO' }),
        row(11, { customer_number: '507', username: 'dbarronrmz1' }),
        row(12, { customer_number: '508', username: 'h', email: 'nuevo@correo.mx' }),
      );
    const first = await uc.importLegacyAccounts({ rows: file(), dryRun: false });
    expect(first).toMatchObject({ read: 11, inserted: 4, updated: 0, unchanged: 0, skipped: 0 });
    expect(first).toMatchObject({ emailMissing: 1, emailInvalid: 1, emailShared: 2 });
    expect(first.rejected).toEqual([
      { line: 3, reason: 'invalid customer_number "50a"' },
      { line: 4, reason: 'invalid username "con espacio"' },
      { line: 5, reason: 'unknown or malformed password_hash scheme "rot13"' },
      { line: 6, reason: 'missing password_hash' },
      { line: 9, reason: 'duplicate customer_number 500 (first at line 2)' },
      { line: 10, reason: 'duplicate username NUEVO (first at line 2)' },
      { line: 11, reason: 'username dbarronrmz1 belongs to customer 2242455' },
    ]);
    expect((await account('nuevo')).status).toBe('legacy');
    const second = await uc.importLegacyAccounts({ rows: file(), dryRun: false });
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 4 });
  });

  it('a repository that keeps no line digests (the port method is optional) imports every line the full way', async () => {
    const { uc, ports } = await setup();
    Object.assign(ports.accounts, { importedLineDigests: undefined });
    const file = () => rows(row(2, {}), row(3, { customer_number: '501', username: 'otro' }));
    expect(await uc.importLegacyAccounts({ rows: file(), dryRun: false })).toMatchObject({
      read: 2,
      inserted: 2,
    });
    expect(await uc.importLegacyAccounts({ rows: file(), dryRun: false })).toMatchObject({
      read: 2,
      inserted: 0,
      unchanged: 2,
    });
  });

  it('reports every rejected row in line order, whoever rejected it; audits a real run only', async () => {
    const { uc, ports } = await setup();
    const file = () =>
      rows(
        row(2, {}),
        // rejected by the repository (a duplicate), before a line validation rejects
        row(3, { username: 'otro' }),
        row(4, { customer_number: '600', username: 'x', password_hash: 'rot13:abc' }),
      );
    const audited = () => ports.audit.entries().filter((e) => e.action === 'imported');
    const dry = await uc.importLegacyAccounts({ rows: file(), dryRun: true });
    expect(dry.rejected.map((r) => r.line)).toEqual([3, 4]);
    expect(audited()).toEqual([]);
    const real = await uc.importLegacyAccounts({ rows: file(), dryRun: false });
    expect(real.rejected.map((r) => r.line)).toEqual([3, 4]);
    expect(audited()).toEqual([
      expect.objectContaining({
        accountId: null,
        loginId: null,
        ip: null,
        detail: expect.objectContaining({ inserted: 1, rejected: 2 }),
      }),
    ]);
  });

  it('keeps the lines the store holds without validating them; a changed line is validated and merged', async () => {
    const { uc, ports, account } = await setup();
    // the reader's digests, stood in for by numbers: equal lines, equal digests
    async function* file(changed: boolean): AsyncIterable<RawImportRow> {
      for (const r of [
        row(2, {}),
        row(3, { customer_number: '510', username: 'sin-correo', email: '' }),
        row(4, { customer_number: '511', username: 'malo', email: 'malo@' }),
        row(5, { customer_number: '512', username: 'flota', email: 'ADMIN@flotillas.mx' }),
        row(6, { customer_number: '513', username: 'rot', password_hash: 'rot13:x' }),
        row(7, { customer_number: '514', username: 'z', email: changed ? 'z2@x.mx' : 'z@x.mx' }),
      ])
        yield { ...r, digest: [r.line, r.line === 7 && changed ? 700 : r.line * 4] };
    }
    const first = await uc.importLegacyAccounts({ rows: file(false), dryRun: false });
    expect(first).toMatchObject({ read: 6, inserted: 5, emailMissing: 1, emailInvalid: 1 });
    expect(first.emailShared).toBe(1);
    expect(first.rejected).toMatchObject([{ line: 6 }]);
    const validated = vi.spyOn(ports.legacy, 'recognizes');
    const again = await uc.importLegacyAccounts({ rows: file(false), dryRun: false });
    expect(again).toEqual({ ...first, inserted: 0, unchanged: 5 });
    // only the rejected line is validated (and rejected) again
    expect(validated).toHaveBeenCalledTimes(1);
    const before = await account('z');
    const changed = await uc.importLegacyAccounts({ rows: file(true), dryRun: false });
    expect(changed).toEqual({ ...first, inserted: 0, updated: 1, unchanged: 4 });
    expect(validated).toHaveBeenCalledTimes(3);
    expect(await account('z')).toMatchObject({
      registeredEmail: 'z2@x.mx',
      version: before.version + 1,
    });
  });

  it('never touches pending or migrated accounts; updates changed legacy ones; dry-run writes nothing', async () => {
    const { uc, migrate, account } = await setup();
    await migrate();
    const before = await account();
    const dry = await uc.importLegacyAccounts({
      rows: rows(
        row(2, {
          customer_number: DIEGO.customerNumber,
          username: DIEGO.username,
          password_hash: 'plain:otra',
        }),
        row(3, {
          customer_number: '100',
          username: 'SinCorreo',
          email: 'ya@tiene.mx',
          password_hash: 'plain:legacy-pass',
        }),
      ),
      dryRun: true,
    });
    expect(dry).toMatchObject({ skipped: 1, updated: 1 });
    expect((await account('SinCorreo')).registeredEmail).toBeNull();
    await uc.importLegacyAccounts({
      rows: rows(
        row(3, {
          customer_number: '100',
          username: 'SinCorreo',
          email: 'ya@tiene.mx',
          password_hash: 'plain:legacy-pass',
        }),
      ),
      dryRun: false,
    });
    expect((await account('SinCorreo')).registeredEmail).toBe('ya@tiene.mx');
    expect(await account()).toEqual(before);
  });
});

describe('support, what the operator sees', () => {
  const bounce = (email: string) => ({
    id: `hb-${email}`,
    kind: 'hard_bounce' as const,
    email,
    providerMessageId: 'pm-1',
    detail: 'hard bounce',
    at: new Date('2026-03-02T15:00:00.000Z'),
  });

  it('an email fix and a vouch are audited without a request context (no ip)', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate();
    const set = (customerNumber: string, email: string) =>
      uc.setRegisteredEmail({ customerNumber, email, actor: 'cli:ana' });
    (await set('100', 'nuevo@correo.mx')).unwrap();
    (await set(DIEGO.customerNumber, DIEGO.email)).unwrap();
    const entries = ports.audit.entries().filter((e) => e.action === 'email_set');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ ip: null, detail: { actor: 'cli:ana', previous: null } });
    expect(entries[1]).toMatchObject({ ip: null, detail: { actor: 'cli:ana', vouched: true } });
  });

  it('a refused email fix leaves the bounce mark of that address; an accepted one clears it', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate();
    await uc.recordDeliveryEvent(bounce('otro@correo.mx'));
    const set = (customerNumber: string) =>
      uc.setRegisteredEmail({ customerNumber, email: 'otro@correo.mx', actor: 'x' });
    expect(errorOf(await set(DIEGO.customerNumber))).toEqual({ code: 'already_migrated' });
    expect(await ports.deliveryEvents.undeliverable('otro@correo.mx')).not.toBeNull();
    (await set('100')).unwrap();
    expect(await ports.deliveryEvents.undeliverable('otro@correo.mx')).toBeNull();
  });

  it('a key typed with spaces around it is found', async () => {
    const { uc } = await setup();
    for (const key of [` ${DIEGO.customerNumber} `, ` ${DIEGO.username}\t`]) {
      const found = (await uc.findAccount({ key })).unwrap();
      expect(found.accounts.map((a) => a.customerNumber)).toEqual([DIEGO.customerNumber]);
    }
    const unlocked = (await uc.unlockSignIn({ key: ` ${DIEGO.username} `, actor: 'x' })).unwrap();
    expect(unlocked.accounts.map((a) => a.customerNumber)).toEqual([DIEGO.customerNumber]);
  });

  it('unlocking a legacy account answers that account, cleared; an ambiguous email says which field', async () => {
    const { uc, ports } = await setup();
    for (let i = 0; i < 3; i++)
      await uc.logIn({ identifier: DIEGO.username, password: 'no es', context: ctx });
    const r = (await uc.unlockSignIn({ key: DIEGO.username, actor: 'cli:ana' })).unwrap();
    expect(r.login).toBeNull();
    expect(r.accounts).toEqual([
      expect.objectContaining({ customerNumber: DIEGO.customerNumber, failedLogins: 0 }),
    ]);
    expect(ports.audit.entries().at(-1)).toMatchObject({ action: 'unlocked', ip: null });

    await uc.setRegisteredEmail({ customerNumber: '100', email: 'dos@x.mx', actor: 't' });
    await uc.setRegisteredEmail({ customerNumber: '101', email: 'dos@x.mx', actor: 't' });
    expect(errorOf(await uc.unlockSignIn({ key: 'dos@x.mx', actor: 't' }))).toEqual({
      code: 'invalid_input',
      field: 'key',
      message: '2 customer numbers have this email on record: name one',
    });
  });

  it('an email on record only of a renewed customer number, no login’s: nothing to unlock', async () => {
    const { uc, ports, migrate, account } = await setup();
    await migrate();
    // the renewed account's email on record edited in the database: its login keeps its own
    const a = await account();
    (
      await ports.accounts.save({
        account: {
          next: { ...a, registeredEmail: 'viejo@correo.mx', version: a.version + 1 },
          expectedVersion: a.version,
        },
        effects: [],
      })
    ).unwrap();
    expect((await uc.findAccount({ key: 'viejo@correo.mx' })).unwrap().login).toBeNull();
    expect(errorOf(await uc.unlockSignIn({ key: 'viejo@correo.mx', actor: 'x' }))).toEqual({
      code: 'not_found',
    });
    expect(ports.audit.entries().filter((e) => e.action === 'unlocked')).toEqual([]);
  });

  it('lists the outbox newest first, by status, and sends dead emails again', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate(); // a code, then the confirmation
    ports.mailer.failNext(2, { status: 'permanent', reason: 'inactive recipient' });
    await uc.deliverPendingEmails({ limit: 10 });
    const all = await uc.listOutbox({ limit: 10 });
    expect(all.map((e) => [e.template, e.status])).toEqual([
      ['renewal_completed', 'dead'],
      ['renewal_code', 'dead'],
    ]);
    expect(await uc.listOutbox({ status: 'pending', limit: 10 })).toEqual([]);
    expect(await uc.listOutbox({ status: 'dead', limit: 1 })).toHaveLength(1);
    // the code's secret is gone: only the confirmation can go again
    expect(await uc.retryOutbox({ allDead: true })).toBe(1);
    expect((await uc.listOutbox({ status: 'pending', limit: 10 })).map((e) => e.template)).toEqual([
      'renewal_completed',
    ]);
    expect(await uc.retryOutbox({ id: all[1]?.id as string })).toBe(0);
  });
});

describe('migrationStats, counted', () => {
  it('counts every code sent (renewal, resend, recovery) and the recoveries', async () => {
    const { uc, ports, migrate, startRenewal } = await setup();
    await migrate(); // renewal_started
    const { flowToken } = await startRenewal('flotilla01', 'legacy-pass'); // renewal_started
    ports.clock.advance(60);
    (await uc.resendRenewalCode({ flowToken, context: ctx })).unwrap(); // code_sent
    const recovery = (await uc.requestRecovery({ identifier: DIEGO.email, context: ctx })).unwrap(); // recovery_requested
    const code = ports.outbox.messages().at(-1)?.email.secret?.code as string;
    (
      await uc.completeRecovery({
        flowToken: recovery.flowToken,
        code,
        newPassword: 'otra frase muy larga',
        confirmation: 'otra frase muy larga',
        context: ctx,
      })
    ).unwrap(); // recovery_completed
    const { activity } = await uc.migrationStats();
    expect(activity.allTime).toEqual({
      renewalsStarted: 2,
      codesSent: 4,
      renewalsCompleted: 1,
      failedLogins: 0,
      failedCodes: 0,
      recoveriesRequested: 1,
      recoveries: 1,
    });
  });

  it('an empty store is 0 % migrated', async () => {
    const uc = createUseCases(createMemoryPorts());
    expect((await uc.migrationStats()).accounts).toEqual({
      legacy: 0,
      pending_renewal: 0,
      migrated: 0,
      logins: 0,
      total: 0,
      percentMigrated: 0,
      weakLegacyHashes: 0,
    });
  });
});

describe('deliverPendingEmails, timing', () => {
  it('still starts a send with exactly 20 s of its lease left', async () => {
    // each send takes 20 s: the third starts 40 s into the 60 s lease
    const { uc } = await slowSends(20);
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 3, retried: 0, dead: 0 });
  });

  it('waits 30 s after the first failure, 60 s after the second', async () => {
    const { uc, ports, startRenewal } = await setup();
    await startRenewal();
    ports.mailer.failNext(2);
    const t0 = ports.clock.now().getTime();
    await uc.deliverPendingEmails({ limit: 10 });
    expect((await uc.listOutbox({ limit: 1 }))[0]?.nextAttemptAt).toEqual(new Date(t0 + 30_000));
    ports.clock.advance(30);
    await uc.deliverPendingEmails({ limit: 10 });
    expect((await uc.listOutbox({ limit: 1 }))[0]?.nextAttemptAt).toEqual(
      new Date(t0 + 30_000 + 60_000),
    );
  });
});
