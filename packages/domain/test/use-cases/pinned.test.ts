import { describe, expect, it, vi } from 'vitest';
import { Err } from '../../src/index.js';
import { ctx, DIEGO, errorOf, NEW_PASSWORD, setup } from './setup.js';

// Behaviours that once changed without any test failing (issue 13): each test here was
// checked by breaking the code it names by hand and seeing it fail.

const signInWithEmail = async (s: Awaited<ReturnType<typeof setup>>, password = NEW_PASSWORD) => {
  const r = (await s.uc.logIn({ identifier: DIEGO.email, password, context: ctx })).unwrap();
  if (r.kind !== 'signed_in') throw new Error(`expected signed_in, got ${r.kind}`);
  return r;
};

describe('sessions and password changes', () => {
  it('a session older than the login’s last password change is ended, even if it was not deleted', async () => {
    const s = await setup();
    await s.migrate();
    const { sessionToken } = await signInWithEmail(s);
    s.ports.clock.advance(5);
    // a password change committed elsewhere whose session purge never ran
    const login = await s.holder();
    (
      await s.ports.accounts.save({
        login: {
          next: {
            ...(login as Extract<typeof login, { email: string }>),
            passwordChangedAt: s.ports.clock.now(),
            version: login.version + 1,
          },
          expectedVersion: login.version,
        },
        effects: [],
      })
    ).unwrap();
    expect(errorOf(await s.uc.validateSession({ token: sessionToken }))).toEqual({
      code: 'session_invalid',
    });
    expect(await s.ports.sessions.get(s.ports.secrets.mac(sessionToken))).toBeNull();
    // a session started after the change is fine
    const fresh = await signInWithEmail(s);
    expect((await s.uc.validateSession({ token: fresh.sessionToken })).isOk()).toBe(true);
  });
});

describe('sessions (found by the domain mutation run)', () => {
  it('switches to another customer number of the login, and only to one of them', async () => {
    const s = await setup();
    await s.migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    await s.migrate('flotilla02', 'legacy-pass', 'admin@flotillas.mx');
    const r = (
      await s.uc.logIn({ identifier: 'admin@flotillas.mx', password: NEW_PASSWORD, context: ctx })
    ).unwrap();
    if (r.kind !== 'signed_in') throw new Error(r.kind);
    expect(r.customerNumbers).toEqual(['102', '103']);
    const token = r.sessionToken;
    const switched = (await s.uc.selectCustomerNumber({ token, customerNumber: ' 103 ' })).unwrap();
    expect(switched).toMatchObject({
      customerNumber: '103',
      customerNumbers: ['102', '103'],
      session: { customerNumber: '103' },
    });
    expect((await s.uc.validateSession({ token })).unwrap().customerNumber).toBe('103');
    expect(
      errorOf(await s.uc.selectCustomerNumber({ token, customerNumber: DIEGO.customerNumber })),
    ).toEqual({ code: 'not_found' });
    expect((await s.uc.validateSession({ token })).unwrap().customerNumber).toBe('103');
    expect(
      errorOf(await s.uc.selectCustomerNumber({ token: 'forged', customerNumber: '102' })),
    ).toEqual({ code: 'session_invalid' });
  });

  it('refuses an empty or oversized token without a look-up; ends exactly at the absolute expiry', async () => {
    const s = await setup();
    await s.migrate();
    const { sessionToken } = await signInWithEmail(s);
    const get = vi.spyOn(s.ports.sessions, 'get');
    for (const token of ['', 'x'.repeat(201)])
      expect(errorOf(await s.uc.validateSession({ token }))).toEqual({ code: 'session_invalid' });
    expect(get).not.toHaveBeenCalled();
    expect(errorOf(await s.uc.validateSession({ token: 'x'.repeat(200) })).code).toBe(
      'session_invalid',
    );
    expect(get).toHaveBeenCalledTimes(1);
    const valid = (await s.uc.validateSession({ token: sessionToken })).unwrap();
    expect(valid.session.lastSeenAt).toEqual(s.ports.clock.now());
    // slide to just before the 12 h end, then reach it exactly
    for (let i = 0; i < 24; i++) {
      s.ports.clock.advance(1799);
      (await s.uc.validateSession({ token: sessionToken })).unwrap();
    }
    s.ports.clock.set(valid.session.expiresAt);
    expect(errorOf(await s.uc.validateSession({ token: sessionToken })).code).toBe(
      'session_invalid',
    );
  });

  it('a log-out without a token deletes nothing', async () => {
    const s = await setup();
    const del = vi.spyOn(s.ports.sessions, 'delete');
    (await s.uc.logOut({ token: '' })).unwrap();
    expect(del).not.toHaveBeenCalled();
  });
});

describe('sign-in', () => {
  it('a code exhausted by wrong tries is never handed over again: the next sign-in sends a new one', async () => {
    const s = await setup();
    const first = await s.startRenewal();
    for (let i = 0; i < 5; i++) await s.complete(first.flowToken, s.wrong(s.codeFor()));
    // within the cooldown: no new code can go out, and the dead one is not rebound
    const early = await s.uc.logIn({
      identifier: DIEGO.username,
      password: DIEGO.password,
      context: ctx,
    });
    expect(errorOf(early)).toEqual({
      code: 'throttled',
      retryAt: new Date(s.ports.clock.now().getTime() + 60_000),
    });
    s.ports.clock.advance(60);
    const again = await s.startRenewal();
    expect(again.emailed).toBe(true);
    expect(s.ports.outbox.messages()).toHaveLength(2);
    expect((await s.complete(again.flowToken, s.codeFor())).isOk()).toBe(true);
  });

  it('a successful sign-in resets the failures and stores the rehashed password', async () => {
    const s = await setup();
    await s.migrate();
    for (let i = 0; i < 3; i++)
      await s.uc.logIn({ identifier: DIEGO.email, password: 'nope', context: ctx });
    expect((await s.holder()).failedLogins).toBe(3);
    await signInWithEmail(s);
    const after = await s.holder();
    expect(after).toMatchObject({ failedLogins: 0, lastFailedLoginAt: null });

    // an old hash is replaced by the hasher's new one, which still signs in
    const login = after as Extract<typeof after, { email: string }>;
    (
      await s.ports.accounts.save({
        login: {
          next: { ...login, passwordHash: 'old-scheme', version: login.version + 1 },
          expectedVersion: login.version,
        },
        effects: [],
      })
    ).unwrap();
    vi.spyOn(s.ports.hasher, 'verify').mockResolvedValueOnce(
      (await s.ports.hasher.verify('x', 'y')).map(() => true),
    );
    await signInWithEmail(s);
    const rehashed = (await s.holder()) as typeof login;
    expect(rehashed.passwordHash).toBe((await s.ports.hasher.hash(NEW_PASSWORD)).unwrap());
    await signInWithEmail(s);
  });

  it('a recovery request never clears the sign-in back-off, whether it sends a new code or not', async () => {
    const s = await setup();
    const fail = (identifier: string) => s.uc.logIn({ identifier, password: 'nope', context: ctx });
    // a legacy account with no code out: the recovery sends a new one
    for (let i = 0; i < 5; i++) await fail(DIEGO.username);
    const throttled = errorOf(await fail(DIEGO.username));
    expect(throttled.code).toBe('throttled');
    (await s.uc.requestRecovery({ identifier: DIEGO.username, context: ctx })).unwrap();
    expect(s.ports.outbox.messages()).toHaveLength(1);
    expect(await s.holder()).toMatchObject({ status: 'pending_renewal', failedLogins: 5 });
    expect(
      errorOf(
        await s.uc.logIn({ identifier: DIEGO.username, password: DIEGO.password, context: ctx }),
      ),
    ).toEqual(throttled);

    // a login: the recovery code goes out, the failures stay
    await s.migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    for (let i = 0; i < 3; i++) await fail('admin@flotillas.mx');
    s.ports.clock.advance(61);
    (await s.uc.requestRecovery({ identifier: 'admin@flotillas.mx', context: ctx })).unwrap();
    expect(s.ports.outbox.messages().at(-1)?.email.template).toBe('recovery_code');
    expect((await s.holder('flotilla01')).failedLogins).toBe(3);
  });
});

describe('codes', () => {
  it('the sliding wrong-code window frees guesses exactly 24 h after the wrong codes that spent them', async () => {
    const s = await setup();
    const t0 = s.ports.clock.now();
    const { flowToken } = await s.startRenewal();
    for (let i = 0; i < 4; i++) await s.complete(flowToken, s.wrong(s.codeFor()));
    for (let round = 0; round < 2; round++) {
      s.ports.clock.advance(600);
      (await s.uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
      for (let i = 0; i < 3; i++) await s.complete(flowToken, s.wrong(s.codeFor()));
    }
    expect((await s.holder()).wrongCodesAt).toHaveLength(10);
    const windowEnd = new Date(t0.getTime() + 86_400_000);
    expect(errorOf(await s.complete(flowToken, s.codeFor()))).toEqual({
      code: 'throttled',
      retryAt: windowEnd,
    });
    s.ports.clock.set(new Date(windowEnd.getTime() - 1000));
    expect(errorOf(await s.complete(flowToken, s.codeFor())).code).toBe('throttled');
    s.ports.clock.set(windowEnd);
    const resent = (await s.uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    expect(resent.expiresAt).toEqual(new Date(windowEnd.getTime() + 600_000));
    await s.complete(flowToken, s.wrong(s.codeFor()));
    // the first four fell out of the window; the six later ones and the new one remain
    const { wrongCodesAt } = await s.holder();
    expect(wrongCodesAt).toHaveLength(7);
    expect(wrongCodesAt.at(-1)).toEqual(windowEnd);
    expect((await s.complete(flowToken, s.codeFor())).isOk()).toBe(true);
  });

  it('a renewal judges the new password before the code; a recovery judges the code first', async () => {
    const s = await setup();
    const { flowToken } = await s.startRenewal();
    // a wrong code with a weak password: the password answers, no attempt is spent
    expect(errorOf(await s.complete(flowToken, s.wrong(s.codeFor()), 'corta')).code).toBe(
      'password_rejected',
    );
    expect(await s.account()).toMatchObject({ wrongCodesAt: [], challenge: { attempts: 0 } });

    await s.migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    s.ports.clock.advance(61);
    const { flowToken: recovery } = (
      await s.uc.requestRecovery({ identifier: 'admin@flotillas.mx', context: ctx })
    ).unwrap();
    const code = s.codeFor('admin@flotillas.mx');
    const completeRecovery = (c: string, password: string) =>
      s.uc.completeRecovery({
        flowToken: recovery,
        code: c,
        newPassword: password,
        confirmation: password,
        context: ctx,
      });
    expect(errorOf(await completeRecovery(s.wrong(code), 'corta'))).toEqual({
      code: 'code_rejected',
    });
    expect(await s.holder('flotilla01')).toMatchObject({ recovery: { attempts: 1 } });
    expect(errorOf(await completeRecovery(code, 'corta')).code).toBe('password_rejected');
    expect((await completeRecovery(code, NEW_PASSWORD)).isOk()).toBe(true);
  });

  it('a code typed with spaces around it is accepted', async () => {
    const s = await setup();
    const { flowToken } = await s.startRenewal();
    expect((await s.complete(flowToken, ` \t${s.codeFor()}  `)).isOk()).toBe(true);
  });

  it('when the hourly cap and the cooldown both apply, the later of the two says when', async () => {
    const s = await setup();
    const t0 = s.ports.clock.now();
    const { flowToken } = await s.startRenewal();
    s.ports.clock.advance(60);
    (await s.uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    // the third send 3590 s after the first: its cooldown ends after the hourly cap does
    s.ports.clock.set(new Date(t0.getTime() + 3_590_000));
    const third = (await s.uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    expect(third.resendAvailableAt).toEqual(new Date(t0.getTime() + 3_650_000));
    expect(errorOf(await s.uc.resendRenewalCode({ flowToken, context: ctx }))).toEqual({
      code: 'resend_too_soon',
      retryAt: new Date(t0.getTime() + 3_650_000),
    });

    // and the other way round: the cap ends after the cooldown
    const u = await setup();
    const u0 = u.ports.clock.now();
    const flow = (await u.startRenewal()).flowToken;
    for (let i = 0; i < 2; i++) {
      u.ports.clock.advance(60);
      (await u.uc.resendRenewalCode({ flowToken: flow, context: ctx })).unwrap();
    }
    u.ports.clock.advance(30);
    expect(errorOf(await u.uc.resendRenewalCode({ flowToken: flow, context: ctx }))).toEqual({
      code: 'resend_too_soon',
      retryAt: new Date(u0.getTime() + 3_600_000),
    });
  });

  it('the strength check is given the account’s own words', async () => {
    const s = await setup();
    const check = vi.spyOn(s.ports.strength, 'check');
    const { flowToken } = await s.startRenewal();
    (await s.complete(flowToken, s.codeFor())).unwrap();
    expect(check).toHaveBeenCalledWith(NEW_PASSWORD, [
      DIEGO.username,
      'diego.barron.rmz',
      DIEGO.customerNumber,
    ]);
    // a verdict of "too common" is the customer's answer
    check.mockReturnValueOnce({ acceptable: false, feedback: 'Evita tu nombre.' });
    const other = await s.startRenewal('flotilla01', 'legacy-pass');
    expect(errorOf(await s.complete(other.flowToken, s.codeFor('admin@flotillas.mx')))).toEqual({
      code: 'password_rejected',
      reasons: [{ kind: 'too_common', feedback: 'Evita tu nombre.' }],
    });
  });
});

describe('the audit trail and the emails of a recovery (found by the domain mutation run)', () => {
  it('records each step with its action and detail; the email names every customer number', async () => {
    const s = await setup();
    await s.migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    await s.migrate('flotilla02', 'legacy-pass', 'admin@flotillas.mx');
    s.ports.clock.advance(61);
    const since = s.ports.audit.entries().length;
    const { flowToken } = (
      await s.uc.requestRecovery({ identifier: 'admin@flotillas.mx', context: ctx })
    ).unwrap();
    const code = s.codeFor('admin@flotillas.mx');
    const complete = (c: string) =>
      s.uc.completeRecovery({
        flowToken,
        code: c,
        newPassword: 'otra frase bastante larga',
        confirmation: 'otra frase bastante larga',
        context: ctx,
      });
    await complete(s.wrong(code));
    (await complete(code)).unwrap();
    await s.uc.logIn({ identifier: 'admin@flotillas.mx', password: 'nope', context: ctx });
    await s.uc.logIn({
      identifier: 'admin@flotillas.mx',
      password: 'otra frase bastante larga',
      context: ctx,
    });
    const trail = s.ports.audit.entries().slice(since);
    expect(trail.map((e) => [e.action, e.detail])).toEqual([
      ['recovery_requested', {}],
      ['code_failed', { attempts: 1 }],
      ['recovery_completed', {}],
      ['login_failed', { consecutive: 1 }],
      ['login_succeeded', {}],
    ]);
    expect(s.ports.outbox.messages().at(-1)?.email).toMatchObject({
      template: 'password_changed',
      data: { customerNumbers: ['102', '103'] },
    });
  });
});

describe('saves that always lose the race', () => {
  // A store whose every save conflicts: each path gives up after 25 saves.
  const losing = async () => {
    const s = await setup();
    const save = vi.spyOn(s.ports.accounts, 'save');
    const lose = () => save.mockImplementation(async () => Err({ code: 'conflict' as const }));
    return { ...s, save, lose };
  };

  it('sign-in (legacy) and resend answer conflict; a wrong password is still invalid_credentials', async () => {
    const s = await losing();
    s.lose();
    expect(
      errorOf(
        await s.uc.logIn({ identifier: DIEGO.username, password: DIEGO.password, context: ctx }),
      ),
    ).toEqual({ code: 'conflict' });
    expect(s.save).toHaveBeenCalledTimes(25);
    s.save.mockClear();
    expect(
      errorOf(await s.uc.logIn({ identifier: DIEGO.username, password: 'nope', context: ctx })),
    ).toEqual({ code: 'invalid_credentials' });
    expect(s.save).toHaveBeenCalledTimes(25);

    const t = await losing();
    const { flowToken } = await t.startRenewal();
    t.ports.clock.advance(60);
    t.lose();
    expect(errorOf(await t.uc.resendRenewalCode({ flowToken, context: ctx }))).toEqual({
      code: 'conflict',
    });
    expect(t.save).toHaveBeenCalledTimes(26);
  });

  it('completion answers conflict for the right code and a wrong one; a recovery request still answers its decoy', async () => {
    const s = await losing();
    const { flowToken } = await s.startRenewal();
    s.lose();
    s.save.mockClear();
    expect(errorOf(await s.complete(flowToken, s.codeFor()))).toEqual({ code: 'conflict' });
    expect(s.save).toHaveBeenCalledTimes(25);
    s.save.mockClear();
    expect(errorOf(await s.complete(flowToken, s.wrong(s.codeFor())))).toEqual({
      code: 'conflict',
    });
    expect(s.save).toHaveBeenCalledTimes(25);

    // a recovery request beside a renewal started with the legacy password leaves it alone
    // (issue 10) and answers a decoy without a save
    s.save.mockClear();
    s.ports.clock.advance(61);
    const beside = await s.uc.requestRecovery({ identifier: DIEGO.username, context: ctx });
    expect(beside.unwrap().flowToken).toEqual(expect.any(String));
    expect(s.save).not.toHaveBeenCalled();

    // with no renewal open, the recovery request tries 25 saves, then answers its decoy
    const fresh = await losing();
    fresh.lose();
    fresh.save.mockClear();
    const r = await fresh.uc.requestRecovery({ identifier: DIEGO.username, context: ctx });
    expect(r.unwrap().flowToken).toEqual(expect.any(String));
    expect(fresh.save).toHaveBeenCalledTimes(25);
    expect(fresh.ports.outbox.messages()).toHaveLength(0);
  });

  it('a login’s recovery that loses every save answers conflict and ends no session', async () => {
    const s = await losing();
    await s.migrate();
    const { sessionToken } = await signInWithEmail(s);
    const { flowToken } = (
      await s.uc.requestRecovery({ identifier: DIEGO.email, context: ctx })
    ).unwrap();
    const code = s.ports.outbox.messages().at(-1)?.email.secret?.code as string;
    s.lose();
    s.save.mockClear();
    const r = await s.uc.completeRecovery({
      flowToken,
      code,
      newPassword: 'otra frase muy larga',
      confirmation: 'otra frase muy larga',
      context: ctx,
    });
    expect(errorOf(r)).toEqual({ code: 'conflict' });
    expect(s.save).toHaveBeenCalledTimes(25);
    expect((await s.uc.validateSession({ token: sessionToken })).isOk()).toBe(true);
  });

  it('a signed-in customer stays signed in when resetting the counter loses every race', async () => {
    const s = await losing();
    await s.migrate();
    await s.uc.logIn({ identifier: DIEGO.email, password: 'nope', context: ctx });
    s.lose();
    s.save.mockClear();
    await signInWithEmail(s);
    expect(s.save).toHaveBeenCalledTimes(25);
  });

  it('support’s email fix and unlock answer conflict', async () => {
    const s = await losing();
    await s.uc.logIn({ identifier: DIEGO.username, password: 'nope', context: ctx });
    s.lose();
    s.save.mockClear();
    expect(
      errorOf(
        await s.uc.setRegisteredEmail({
          customerNumber: DIEGO.customerNumber,
          email: 'nuevo@example.mx',
          actor: 'cli:ana',
        }),
      ),
    ).toEqual({ code: 'conflict' });
    expect(s.save).toHaveBeenCalledTimes(25);
    s.save.mockClear();
    expect(errorOf(await s.uc.unlockSignIn({ key: DIEGO.username, actor: 'cli:ana' }))).toEqual({
      code: 'conflict',
    });
    expect(s.save).toHaveBeenCalledTimes(25);
  });
});
