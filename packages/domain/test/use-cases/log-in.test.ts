import { describe, expect, it, vi } from 'vitest';
import { ctx, DIEGO, errorOf, NEW_PASSWORD, setup } from './setup.js';

describe('logIn', () => {
  it('one generic error for unknown user, wrong password, wrong legacy password and garbage', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    const attempts = [
      { identifier: 'nadie', password: 'x' },
      { identifier: 'nadie@example.com', password: 'x' },
      { identifier: DIEGO.username, password: 'wrong' },
      { identifier: 'admin@flotillas.mx', password: 'wrong' },
      { identifier: 'flotilla01', password: 'legacy-pass' }, // legacy password of a migrated account
      { identifier: 'a b c', password: '' },
      { identifier: '', password: '' },
    ];
    for (const attempt of attempts) {
      const before = ports.hasher.verifications;
      const r = await uc.logIn({ ...attempt, context: ctx });
      expect(errorOf(r)).toEqual({ code: 'invalid_credentials' });
      // unknown identifiers pay a (dummy) verification too; legacy ones use the legacy verifier
      if (!attempt.identifier.startsWith('dbarron'))
        expect(ports.hasher.verifications).toBe(before + 1);
    }
  });

  it('counts a wrong password on the account (persisted)', async () => {
    const { uc, holder } = await setup();
    await uc.logIn({ identifier: DIEGO.username, password: 'nope', context: ctx });
    expect((await holder()).failedLogins).toBe(1);
  });

  it('legacy username + legacy password starts the renewal and emails a code to the masked address', async () => {
    const { uc, ports, account } = await setup();
    const r = (
      await uc.logIn({ identifier: 'DBarronRmz1', password: DIEGO.password, context: ctx })
    ).unwrap();
    expect(r).toMatchObject({
      kind: 'renewal_started',
      maskedEmail: 'diego.barron.***@oxxog**.c**',
      emailed: true,
    });
    const a = await account();
    expect(a.status).toBe('pending_renewal');
    const [message] = ports.outbox.messages();
    expect(message?.email).toMatchObject({
      template: 'renewal_code',
      to: DIEGO.email,
      data: { customerNumbers: ['2242455'], requestIp: ctx.ip },
    });
    expect(message?.email.secret?.code).toMatch(/^\d{6}$/);
    expect(ports.audit.entries().map((e) => e.action)).toContain('renewal_started');
  });

  it('no email or an invalid email on record: no_deliverable_email, nothing changes', async () => {
    const { uc, account } = await setup();
    for (const username of ['SinCorreo', 'CorreoMalo']) {
      const before = await account(username);
      expect(
        errorOf(await uc.logIn({ identifier: username, password: 'legacy-pass', context: ctx })),
      ).toEqual({
        code: 'no_deliverable_email',
      });
      expect(await account(username)).toEqual(before);
    }
  });

  it('registered email already a login: the renewal starts as usual (the code goes to that inbox)', async () => {
    const { uc, migrate, account } = await setup();
    await migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    const r = await uc.logIn({ identifier: 'flotilla02', password: 'legacy-pass', context: ctx });
    expect(r.unwrap()).toMatchObject({
      kind: 'renewal_started',
      maskedEmail: 'ad***@flotil***.m*',
    });
    expect((await account('flotilla02')).status).toBe('pending_renewal');
  });

  it('a double submission hands the flow to the new client without a second email', async () => {
    const { startRenewal, ports, complete, codeFor } = await setup();
    const first = await startRenewal();
    const second = await startRenewal();
    expect(second.emailed).toBe(false);
    expect(ports.outbox.messages()).toHaveLength(1);
    expect(errorOf(await complete(first.flowToken, codeFor()))).toEqual({ code: 'flow_invalid' });
    expect((await complete(second.flowToken, codeFor())).unwrap()).toEqual({
      loginEmail: DIEGO.email,
      customerNumbers: [DIEGO.customerNumber],
      migrated: true,
      passwordChanged: false,
    });
  });

  it('a later sign-in, past the cooldown, sends a new code', async () => {
    const { startRenewal, ports } = await setup();
    await startRenewal();
    ports.clock.advance(61);
    expect((await startRenewal()).emailed).toBe(true);
    expect(ports.outbox.messages()).toHaveLength(2);
  });

  it('once the code is dead and the hourly sends are used up: throttled until the oldest send is an hour old', async () => {
    const { startRenewal, ports, uc } = await setup();
    const t0 = ports.clock.now();
    for (let i = 0; i < 3; i++) {
      await startRenewal();
      ports.clock.advance(61);
    }
    ports.clock.advance(600); // the last code expires
    const r = await uc.logIn({
      identifier: DIEGO.username,
      password: DIEGO.password,
      context: ctx,
    });
    expect(errorOf(r)).toEqual({ code: 'throttled', retryAt: new Date(t0.getTime() + 3_600_000) });
  });

  it('email + current password of a migrated account signs in; the session validates', async () => {
    const { uc, migrate } = await setup();
    await migrate();
    const r = (
      await uc.logIn({
        identifier: 'Diego.Barron.Rmz@OXXOGAS.com',
        password: NEW_PASSWORD,
        context: ctx,
      })
    ).unwrap();
    expect(r.kind).toBe('signed_in');
    if (r.kind !== 'signed_in') return;
    const session = (await uc.validateSession({ token: r.sessionToken })).unwrap();
    expect(session.login.email).toBe(DIEGO.email);
    expect(session.customerNumbers).toEqual([DIEGO.customerNumber]);
  });

  it('legacy username + current password of a migrated account: the login is now the email (masked)', async () => {
    const { uc, migrate } = await setup();
    await migrate();
    const r = (
      await uc.logIn({ identifier: DIEGO.username, password: NEW_PASSWORD, context: ctx })
    ).unwrap();
    expect(r).toEqual({ kind: 'login_is_email', maskedEmail: 'diego.barron.***@oxxog**.c**' });
  });

  it('backs off exponentially after 5 consecutive failures, and locks at 100', async () => {
    const { uc, ports, holder } = await setup();
    const fail = () => uc.logIn({ identifier: DIEGO.username, password: 'nope', context: ctx });
    for (let i = 0; i < 5; i++) expect(errorOf(await fail()).code).toBe('invalid_credentials');
    const throttled = errorOf(await fail());
    expect(throttled).toEqual({
      code: 'throttled',
      retryAt: new Date(ports.clock.now().getTime() + 1000),
    });
    ports.clock.advance(1);
    expect(errorOf(await fail()).code).toBe('invalid_credentials'); // 6th failure: wait 2 s now
    expect(errorOf(await fail())).toEqual({
      code: 'throttled',
      retryAt: new Date(ports.clock.now().getTime() + 2000),
    });
    // the right password after the wait resets the counter
    ports.clock.advance(2);
    expect(
      (
        await uc.logIn({ identifier: DIEGO.username, password: DIEGO.password, context: ctx })
      ).isOk(),
    ).toBe(true);
    expect((await holder()).failedLogins).toBe(0);

    for (let i = 0; i < 100; i++) {
      ports.clock.advance(1000);
      await fail();
    }
    ports.clock.advance(100_000);
    expect(errorOf(await fail())).toEqual({ code: 'throttled', retryAt: null });
  });

  it('a recovery request never clears the failed-login counter (it proves no password)', async () => {
    const { uc, holder } = await setup();
    // a code is out and fresh, so the recovery request only hands the flow over
    (
      await uc.logIn({ identifier: DIEGO.username, password: DIEGO.password, context: ctx })
    ).unwrap();
    for (let i = 0; i < 3; i++)
      await uc.logIn({ identifier: DIEGO.username, password: 'nope', context: ctx });
    (await uc.requestRecovery({ identifier: DIEGO.username, context: ctx })).unwrap();
    expect((await holder()).failedLogins).toBe(3);
    // the legacy password itself does clear it
    (
      await uc.logIn({ identifier: DIEGO.username, password: DIEGO.password, context: ctx })
    ).unwrap();
    expect((await holder()).failedLogins).toBe(0);
  });

  it('a saturated hasher answers busy', async () => {
    const { uc, ports } = await setup();
    ports.hasher.busy = true;
    expect(errorOf(await uc.logIn({ identifier: 'nadie', password: 'x', context: ctx })).code).toBe(
      'busy',
    );
  });

  it('a hasher that says it is saturated: busy with a retry time, before any store work', async () => {
    const { uc, ports } = await setup();
    const lookUp = vi.spyOn(ports.accounts, 'findByLegacyUsername');
    const verify = vi.spyOn(ports.hasher, 'verify');
    const hasher = ports.hasher as typeof ports.hasher & { saturated?: () => boolean };
    hasher.saturated = () => true;
    expect(
      errorOf(await uc.logIn({ identifier: DIEGO.username, password: 'x', context: ctx })),
    ).toEqual({ code: 'busy', retryAfterSeconds: 1 });
    expect(lookUp).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
    hasher.saturated = () => false;
    expect(
      (
        await uc.logIn({ identifier: DIEGO.username, password: DIEGO.password, context: ctx })
      ).isOk(),
    ).toBe(true);
  });

  it('rehashes a password hash made with old parameters at sign-in', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate();
    const hash = vi.spyOn(ports.hasher, 'hash');
    (await uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx })).unwrap();
    expect(hash).not.toHaveBeenCalled();
    ports.hasher.needsRehash = () => true;
    (await uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx })).unwrap();
    expect(hash).toHaveBeenCalledWith(NEW_PASSWORD);
  });

  it('concurrent sign-ins all succeed, and concurrent wrong passwords are all counted', async () => {
    const { uc, migrate, holder } = await setup();
    await migrate();
    const good = await Promise.all(
      Array.from({ length: 10 }, () =>
        uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx }),
      ),
    );
    expect(good.map((r) => r.isOk() && r.value.kind)).toEqual(Array(10).fill('signed_in'));
    const bad = await Promise.all(
      Array.from({ length: 4 }, () =>
        uc.logIn({ identifier: DIEGO.email, password: 'nope', context: ctx }),
      ),
    );
    expect(bad.every((r) => r.isErr() && r.error.code === 'invalid_credentials')).toBe(true);
    expect((await holder()).failedLogins).toBe(4);
    // one failure pending: a good sign-in during more failures still gets in
    const mixed = await Promise.all([
      uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx }),
      uc.logIn({ identifier: DIEGO.email, password: 'nope', context: ctx }),
    ]);
    expect(mixed[0]?.isOk()).toBe(true);
  });
});

describe('logIn: what the mutation run found unpinned (issue 13)', () => {
  it('an unknown identifier is counted and audited under its trimmed lower-case form, and backs off, then locks', async () => {
    const { uc, ports } = await setup();
    const fail = (identifier: string) => uc.logIn({ identifier, password: 'x', context: ctx });
    const key = ports.secrets.mac('unknown-identifier:nadie');
    await fail('nadie');
    await fail('  NADIE ');
    // the counters are stored under that key: another spelling of the same identifier shares them
    expect((await ports.accounts.findUnknownIdentifier(key))?.failedLogins).toBe(2);
    expect(ports.audit.entries().map((e) => [e.action, e.accountId, e.loginId, e.detail])).toEqual([
      ['login_failed', null, null, { reason: 'unknown_identifier', consecutive: 1 }],
      ['login_failed', null, null, { reason: 'unknown_identifier', consecutive: 2 }],
    ]);
    // another unknown identifier has counters of its own
    for (let i = 0; i < 3; i++) await fail('nadie');
    expect(errorOf(await fail('nadie'))).toEqual({
      code: 'throttled',
      retryAt: new Date(ports.clock.now().getTime() + 1000),
    });
    expect(errorOf(await fail('alguien'))).toEqual({ code: 'invalid_credentials' });

    for (let i = 0; i < 100; i++) {
      ports.clock.advance(1000);
      await fail('nadie');
    }
    ports.clock.advance(100_000);
    expect(errorOf(await fail('nadie'))).toEqual({ code: 'throttled', retryAt: null });
  });

  it('a busy hasher answers busy for a blocked holder, a login and a weak legacy hash: nothing is counted', async () => {
    const s = await setup();
    await s.migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    s.ports.hasher.busy = true;
    const logIn = (identifier: string, password: string) =>
      s.uc.logIn({ identifier, password, context: ctx });
    // a login's own hash cannot be checked
    expect(errorOf(await logIn('admin@flotillas.mx', 'nope'))).toEqual({
      code: 'busy',
      retryAfterSeconds: 1,
    });
    expect((await s.holder('flotilla01')).failedLogins).toBe(0);
    // a weak legacy hash is checked at once, but the slow check it pays for is refused
    expect(errorOf(await logIn(DIEGO.username, DIEGO.password))).toEqual({
      code: 'busy',
      retryAfterSeconds: 1,
    });
    expect((await s.account()).status).toBe('legacy');
    s.ports.hasher.busy = false;
    for (let i = 0; i < 5; i++) await logIn(DIEGO.username, 'nope');
    s.ports.hasher.busy = true;
    expect(errorOf(await logIn(DIEGO.username, 'nope'))).toEqual({
      code: 'busy',
      retryAfterSeconds: 1,
    });
  });

  it('a legacy hash checked at once pays one slow hasher check too; one checked in the queue, none more', async () => {
    const { uc, ports } = await setup();
    const atOnce = vi.spyOn(ports.legacy, 'checkedAtOnce');
    for (const [checkedAtOnce, paid] of [
      [true, 1],
      [false, 0],
    ] as const) {
      atOnce.mockReturnValue(checkedAtOnce);
      for (const password of [DIEGO.password, 'nope']) {
        const before = ports.hasher.verifications;
        await uc.logIn({ identifier: DIEGO.username, password, context: ctx });
        expect(ports.hasher.verifications).toBe(before + paid);
      }
    }
    // the verifier is asked about the stored hash itself
    expect(atOnce).toHaveBeenCalledWith(expect.stringMatching(/^plain:/));
  });

  it('the legacy username of a renewed account with its password is audited as a hint', async () => {
    const s = await setup();
    await s.migrate();
    const login = await s.holder();
    const since = s.ports.audit.entries().length;
    await s.uc.logIn({ identifier: DIEGO.username, password: NEW_PASSWORD, context: ctx });
    expect(s.ports.audit.entries().slice(since)).toEqual([
      {
        action: 'login_hint_email',
        accountId: null,
        loginId: login.id,
        at: s.ports.clock.now(),
        ip: ctx.ip,
        detail: {},
      },
    ]);
  });

  it('a clean sign-in writes nothing on the login and audits login_succeeded with the session', async () => {
    const s = await setup();
    await s.migrate();
    const before = await s.holder();
    const since = s.ports.audit.entries().length;
    (await s.uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx })).unwrap();
    expect(await s.holder()).toEqual(before);
    expect(s.ports.audit.entries().slice(since)).toEqual([
      {
        action: 'login_succeeded',
        accountId: null,
        loginId: before.id,
        at: s.ports.clock.now(),
        ip: ctx.ip,
        detail: {},
      },
    ]);
  });

  it('the renewal answer says when a resend is allowed and when the code expires', async () => {
    const { startRenewal, ports } = await setup();
    const now = ports.clock.now().getTime();
    const started = await startRenewal();
    expect(started.resendAvailableAt).toEqual(new Date(now + 60_000));
    expect(started.expiresAt).toEqual(new Date(now + 600_000));
  });
});

describe('logIn racing another write (issue 13)', () => {
  /** Runs `meanwhile` while the sign-in checks the (legacy or login) password. */
  const during = (
    s: Awaited<ReturnType<typeof setup>>,
    verifier: 'legacy' | 'hasher',
    meanwhile: () => Promise<unknown>,
  ) => {
    const target = s.ports[verifier];
    const verify = target.verify.bind(target);
    let once = true;
    vi.spyOn(target, 'verify').mockImplementation(async (hash: string, password: string) => {
      const r = await verify(hash, password);
      if (once && hash !== s.ports.hasher.dummyHash) {
        once = false;
        await meanwhile();
      }
      return r;
    });
  };

  it('a wrong legacy password is not counted on an account renewed meanwhile', async () => {
    const s = await setup();
    const { flowToken } = await s.startRenewal();
    const code = s.codeFor();
    let renewed: unknown = null;
    during(s, 'legacy', async () => {
      (await s.complete(flowToken, code)).unwrap();
      renewed = await s.account();
    });
    expect(
      errorOf(await s.uc.logIn({ identifier: DIEGO.username, password: 'nope', context: ctx })),
    ).toEqual({ code: 'invalid_credentials' });
    expect((await s.account()).status).toBe('migrated');
    expect(await s.account()).toEqual(renewed);
    expect(s.ports.audit.entries().map((e) => e.action)).not.toContain('login_failed');
  });

  it('a legacy password proven while the account was renewed answers conflict, no code is sent', async () => {
    const s = await setup();
    const { flowToken } = await s.startRenewal();
    const code = s.codeFor();
    s.ports.clock.advance(61);
    during(s, 'legacy', async () => (await s.complete(flowToken, code)).unwrap());
    const sent = s.ports.outbox.messages().length;
    expect(
      errorOf(
        await s.uc.logIn({ identifier: DIEGO.username, password: DIEGO.password, context: ctx }),
      ),
    ).toEqual({ code: 'conflict' });
    // the renewal's completion may send its own email, but no new code goes out
    expect(
      s.ports.outbox
        .messages()
        .slice(sent)
        .filter((m) => m.email.secret?.code),
    ).toEqual([]);
  });

  it('a legacy password proven while another write changed the account reads it again and starts the renewal', async () => {
    const s = await setup();
    during(s, 'legacy', async () => {
      await s.uc.logIn({ identifier: DIEGO.username, password: 'nope', context: ctx });
    });
    const r = await s.uc.logIn({
      identifier: DIEGO.username,
      password: DIEGO.password,
      context: ctx,
    });
    expect(r.unwrap().kind).toBe('renewal_started');
    expect((await s.account()).status).toBe('pending_renewal');
  });

  it('a password changed while signing in with the old one: invalid_credentials, no session', async () => {
    const s = await setup();
    await s.migrate();
    // one failure, so the sign-in has a counter to reset (a write that can lose the race)
    await s.uc.logIn({ identifier: DIEGO.email, password: 'nope', context: ctx });
    s.ports.clock.advance(10);
    during(s, 'hasher', async () => {
      const login = await s.ports.accounts.findLoginByEmail(DIEGO.email);
      if (!login) throw new Error('no login');
      const next = {
        ...login,
        version: login.version + 1,
        passwordHash: (await s.ports.hasher.hash('otra clave larga')).unwrap(),
      };
      (
        await s.ports.accounts.save({
          login: { next, expectedVersion: login.version },
          effects: [],
        })
      ).unwrap();
    });
    const create = vi.spyOn(s.ports.sessions, 'create');
    expect(
      errorOf(await s.uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx })),
    ).toEqual({ code: 'invalid_credentials' });
    expect(create).not.toHaveBeenCalled();
  });
});
