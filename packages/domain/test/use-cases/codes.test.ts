import { describe, expect, it, vi } from 'vitest';
import { ctx, DIEGO, errorOf, NEW_PASSWORD, setup } from './setup.js';

describe('resendRenewalCode', () => {
  it('refuses an unknown flow token', async () => {
    const { uc } = await setup();
    expect(errorOf(await uc.resendRenewalCode({ flowToken: 'forged', context: ctx }))).toEqual({
      code: 'flow_invalid',
    });
  });

  it('looks up a flow token of up to 200 characters; an empty or longer one is refused without a look-up', async () => {
    const { uc, ports } = await setup();
    const lookUp = vi.spyOn(ports.accounts, 'findByFlowTokenHash');
    const resend = async (flowToken: string) =>
      errorOf(await uc.resendRenewalCode({ flowToken, context: ctx }));
    expect(await resend('')).toEqual({ code: 'flow_invalid' });
    expect(await resend('t'.repeat(201))).toEqual({ code: 'flow_invalid' });
    expect(lookUp).not.toHaveBeenCalled();
    expect(await resend('t'.repeat(200))).toEqual({ code: 'flow_invalid' });
    expect(lookUp).toHaveBeenCalledTimes(1);
  });

  it('respects the 60 s cooldown and says when to retry', async () => {
    const { uc, ports, startRenewal } = await setup();
    const { flowToken } = await startRenewal();
    const r = await uc.resendRenewalCode({ flowToken, context: ctx });
    expect(errorOf(r)).toEqual({
      code: 'resend_too_soon',
      retryAt: new Date(ports.clock.now().getTime() + 60_000),
    });
  });

  it('sends a new code; the old one stops working; the flow keeps its token', async () => {
    const { uc, ports, startRenewal, codeFor, complete } = await setup();
    const { flowToken } = await startRenewal();
    const oldCode = codeFor();
    ports.clock.advance(60);
    const r = (await uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    expect(r.maskedEmail).toBe('diego.barron.***@oxxog**.c**');
    const newCode = codeFor();
    expect(ports.outbox.messages()).toHaveLength(2);
    if (oldCode !== newCode)
      expect(errorOf(await complete(flowToken, oldCode)).code).toBe('code_invalid');
    expect((await complete(flowToken, newCode)).isOk()).toBe(true);
  });

  it('allows 3 sends an hour', async () => {
    const { uc, ports, startRenewal } = await setup();
    const t0 = ports.clock.now();
    const { flowToken } = await startRenewal();
    for (let i = 0; i < 2; i++) {
      ports.clock.advance(60);
      (await uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    }
    ports.clock.advance(60);
    expect(errorOf(await uc.resendRenewalCode({ flowToken, context: ctx }))).toEqual({
      code: 'resend_too_soon',
      retryAt: new Date(t0.getTime() + 3_600_000),
    });
  });
});

describe('completeRenewal', () => {
  it('migrates the account: login = registered email, legacy hash gone, confirmation email, no session', async () => {
    const { ports, startRenewal, codeFor, complete, account } = await setup();
    const { flowToken } = await startRenewal();
    expect((await complete(flowToken, codeFor())).unwrap()).toEqual({
      loginEmail: DIEGO.email,
      customerNumbers: [DIEGO.customerNumber],
      migrated: true,
      passwordChanged: false,
    });
    const a = await account();
    expect(a.status).toBe('migrated');
    expect(JSON.stringify(a)).not.toContain('plain:');
    expect(ports.outbox.messages().map((m) => m.email.template)).toEqual([
      'renewal_code',
      'renewal_completed',
    ]);
    expect(ports.outbox.messages()[1]?.email.data.loginEmail).toBe(DIEGO.email);
  });

  it('counts wrong codes: attempts left, then the code dies and even the right one is refused', async () => {
    const { startRenewal, codeFor, complete, wrong } = await setup();
    const { flowToken } = await startRenewal();
    const code = codeFor();
    for (let left = 4; left >= 1; left--)
      expect(errorOf(await complete(flowToken, wrong(code)))).toEqual({
        code: 'code_invalid',
        attemptsLeft: left,
      });
    expect(errorOf(await complete(flowToken, wrong(code)))).toEqual({ code: 'code_exhausted' });
    expect(errorOf(await complete(flowToken, code))).toEqual({ code: 'code_exhausted' });
  });

  it('refuses an expired code', async () => {
    const { ports, startRenewal, codeFor, complete } = await setup();
    const { flowToken } = await startRenewal();
    ports.clock.advance(600);
    expect(errorOf(await complete(flowToken, codeFor()))).toEqual({ code: 'code_expired' });
  });

  it('rejects a bad new password without spending an attempt', async () => {
    const { startRenewal, codeFor, complete, account } = await setup();
    const { flowToken } = await startRenewal();
    const r = await complete(flowToken, codeFor(), 'corta', 'otra');
    expect(errorOf(r)).toEqual({
      code: 'password_rejected',
      reasons: [{ kind: 'too_short', min: 12 }, { kind: 'mismatch' }],
    });
    const a = await account();
    expect(a.status === 'pending_renewal' && a.challenge.attempts).toBe(0);
    expect(errorOf(await complete(flowToken, codeFor(), 'password1234')).code).toBe(
      'password_rejected',
    );
  });

  it('10 wrong codes per account per day across resends; a resend never resets it', async () => {
    const { uc, ports, startRenewal, codeFor, complete, wrong, holder } = await setup();
    const { flowToken } = await startRenewal();
    for (let i = 0; i < 4; i++) await complete(flowToken, wrong(codeFor()));
    ports.clock.advance(60);
    (await uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    expect((await holder()).wrongCodesAt).toHaveLength(4);
    for (let i = 0; i < 4; i++) await complete(flowToken, wrong(codeFor()));
    ports.clock.advance(60);
    (await uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    for (let i = 0; i < 2; i++) await complete(flowToken, wrong(codeFor()));
    expect((await holder()).wrongCodesAt).toHaveLength(10);
    // the current code is still alive (2 wrong tries) but the account's budget is spent
    expect(errorOf(await complete(flowToken, codeFor())).code).toBe('throttled');
    ports.clock.advance(86_400);
    (await uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
    expect((await complete(flowToken, codeFor())).isOk()).toBe(true);
  });

  it('a second completion (double submission) is refused cleanly', async () => {
    const { startRenewal, codeFor, complete } = await setup();
    const { flowToken } = await startRenewal();
    const code = codeFor();
    const [a, b] = await Promise.all([complete(flowToken, code), complete(flowToken, code)]);
    expect([a.isOk(), b.isOk()].filter(Boolean)).toHaveLength(1);
    expect(errorOf(await complete(flowToken, code))).toEqual({ code: 'flow_invalid' });
  });

  it('a renewal that joins a login refuses a password made of another of its customer numbers or usernames', async () => {
    const { startRenewal, codeFor, complete, migrate } = await setup();
    await migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    const { flowToken } = await startRenewal('flotilla02', 'legacy-pass');
    const code = codeFor('admin@flotillas.mx');
    for (const [password, what] of [
      ['mi numero 102 de siempre', 'customer_number'],
      ['la flotilla01 de la empresa', 'username'],
    ] as const)
      expect(errorOf(await complete(flowToken, code, password))).toEqual({
        code: 'password_rejected',
        reasons: [{ kind: 'contains_personal_data', what }],
      });
    expect((await complete(flowToken, code)).isOk()).toBe(true);
  });

  it('the email became a login while the code was pending: the customer number joins it, with the new password', async () => {
    const { uc, ports, startRenewal, codeFor, complete, migrate, account } = await setup();
    const { flowToken } = await startRenewal('flotilla02', 'legacy-pass');
    const code = codeFor('admin@flotillas.mx');
    await migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    const signedIn = (
      await uc.logIn({ identifier: 'admin@flotillas.mx', password: NEW_PASSWORD, context: ctx })
    ).unwrap();
    const other = 'otra frase larga de la flotilla';
    expect((await complete(flowToken, code, other)).unwrap()).toEqual({
      loginEmail: 'admin@flotillas.mx',
      customerNumbers: ['102', '103'],
      migrated: true,
      passwordChanged: true,
    });
    const [a, b] = [await account('flotilla01'), await account('flotilla02')];
    expect(a.status === 'migrated' && b.status === 'migrated' && a.loginId === b.loginId).toBe(
      true,
    );
    // the login's other sessions ended; the old password is gone, the new one opens both
    if (signedIn.kind !== 'signed_in') throw new Error('not signed in');
    expect(errorOf(await uc.validateSession({ token: signedIn.sessionToken })).code).toBe(
      'session_invalid',
    );
    expect(
      errorOf(
        await uc.logIn({ identifier: 'admin@flotillas.mx', password: NEW_PASSWORD, context: ctx }),
      ).code,
    ).toBe('invalid_credentials');
    const again = (
      await uc.logIn({ identifier: 'ADMIN@flotillas.mx', password: other, context: ctx })
    ).unwrap();
    expect(again.kind === 'signed_in' && again.customerNumbers).toEqual(['102', '103']);
    // the confirmation says which numbers the email opens and that the password changed
    const done = ports.outbox.messages().at(-1)?.email;
    expect(done).toMatchObject({
      template: 'renewal_completed',
      to: 'admin@flotillas.mx',
      data: { customerNumbers: ['102', '103'], passwordChanged: true },
    });
  });

  it('a pending renewal whose email on record stopped being an address is not migrated', async () => {
    const { ports, startRenewal, codeFor, complete, account } = await setup();
    const { flowToken } = await startRenewal();
    const code = codeFor();
    // the record changed under the flow (edited in the database): no login from it
    const a = await account();
    (
      await ports.accounts.save({
        account: {
          next: { ...a, registeredEmail: 'facturas@@x', version: a.version + 1 },
          expectedVersion: a.version,
        },
        effects: [],
      })
    ).unwrap();
    expect(errorOf(await complete(flowToken, code))).toEqual({ code: 'no_deliverable_email' });
    expect((await account()).status).toBe('pending_renewal');
    expect(await ports.accounts.findLoginByEmail('facturas@@x')).toBeNull();
  });

  it('a legacy username of a customer number that joined a login gets the hint with the masked email', async () => {
    const { uc, migrate } = await setup();
    await migrate('flotilla01', 'legacy-pass', 'admin@flotillas.mx');
    await migrate('flotilla02', 'legacy-pass', 'admin@flotillas.mx');
    const r = await uc.logIn({ identifier: 'FLOTILLA01', password: NEW_PASSWORD, context: ctx });
    expect(r.unwrap()).toEqual({ kind: 'login_is_email', maskedEmail: 'ad***@flotil***.m*' });
  });
});

describe('recovery', () => {
  it('answers the same for unknown, undeliverable and real accounts', async () => {
    const { uc, ports } = await setup();
    for (const identifier of ['nadie', 'nadie@example.com', 'SinCorreo', 'x y', DIEGO.username]) {
      const r = (await uc.requestRecovery({ identifier, context: ctx })).unwrap();
      expect(Object.keys(r)).toEqual(['flowToken']);
      expect(r.flowToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(ports.outbox.messages()).toHaveLength(1);
  });

  it('a legacy account whose password is forgotten is migrated by recovery', async () => {
    const { uc, codeFor, account } = await setup();
    const { flowToken } = (
      await uc.requestRecovery({ identifier: DIEGO.username, context: ctx })
    ).unwrap();
    const a = await account();
    expect(a.status === 'pending_renewal' && a.origin).toBe('recovery');
    const r = await uc.completeRecovery({
      flowToken,
      code: codeFor(),
      newPassword: NEW_PASSWORD,
      confirmation: NEW_PASSWORD,
      context: ctx,
    });
    expect(r.unwrap()).toEqual({
      loginEmail: DIEGO.email,
      customerNumbers: [DIEGO.customerNumber],
      migrated: true,
      passwordChanged: false,
    });
  });

  it('sets a new password on a migrated account and ends its sessions', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate();
    const signedIn = (
      await uc.logIn({ identifier: DIEGO.email, password: NEW_PASSWORD, context: ctx })
    ).unwrap();
    if (signedIn.kind !== 'signed_in') throw new Error('not signed in');
    const { flowToken } = (
      await uc.requestRecovery({ identifier: DIEGO.email, context: ctx })
    ).unwrap();
    const code = ports.outbox.messages().at(-1)?.email.secret?.code as string;
    expect(ports.outbox.messages().at(-1)?.email.template).toBe('recovery_code');
    // a recovery flow is not a renewal
    expect(
      errorOf(
        await uc.completeRenewal({
          flowToken,
          code,
          newPassword: 'otra frase muy larga',
          confirmation: 'otra frase muy larga',
          context: ctx,
        }),
      ),
    ).toEqual({ code: 'flow_invalid' });
    const r = await uc.completeRecovery({
      flowToken,
      code,
      newPassword: 'otra frase muy larga',
      confirmation: 'otra frase muy larga',
      context: ctx,
    });
    expect(r.unwrap()).toEqual({
      loginEmail: DIEGO.email,
      customerNumbers: [DIEGO.customerNumber],
      migrated: false,
      passwordChanged: true,
    });
    expect(errorOf(await uc.validateSession({ token: signedIn.sessionToken }))).toEqual({
      code: 'session_invalid',
    });
    expect(ports.outbox.messages().at(-1)?.email.template).toBe('password_changed');
    expect(
      (
        await uc.logIn({ identifier: DIEGO.email, password: 'otra frase muy larga', context: ctx })
      ).isOk(),
    ).toBe(true);
  });

  it('a flow for an unknown account reads exactly like a real one: one answer for every code failure', async () => {
    const { uc, ports, codeFor, wrong } = await setup();
    const ask = async (identifier: string) =>
      (await uc.requestRecovery({ identifier, context: ctx })).unwrap().flowToken;
    const finish = (flowToken: string, code: string, password = NEW_PASSWORD) =>
      uc.completeRecovery({
        flowToken,
        code,
        newPassword: password,
        confirmation: password,
        context: ctx,
      });
    const real = await ask(DIEGO.username);
    const unknown = await ask('nadie');
    const code = codeFor();
    const strength = vi.spyOn(ports.strength, 'check');
    for (const flowToken of [real, unknown]) {
      strength.mockClear();
      // a weak password is judged only once the code is right
      expect(errorOf(await finish(flowToken, wrong(code), 'corta'))).toEqual({
        code: 'code_rejected',
      });
      for (let i = 0; i < 5; i++)
        expect(errorOf(await finish(flowToken, wrong(code)))).toEqual({ code: 'code_rejected' });
      // the real code is dead now (6 wrong tries): the same answer
      expect(errorOf(await finish(flowToken, code))).toEqual({ code: 'code_rejected' });
      // and the same work: the password is weighed each time (an unknown flow too)
      expect(strength).toHaveBeenCalledTimes(6);
    }
    // those 5 wrong codes spent what anonymous flows may spend of the account's budget:
    // no code goes out until they slide out of the 24 h window
    ports.clock.advance(3600);
    const spent = await ask(DIEGO.username);
    expect(errorOf(await finish(spent, code))).toEqual({ code: 'code_rejected' });
    // a day later, a new code: the right one with a weak password says so, and it still works after
    ports.clock.advance(86_400);
    const again = await ask(DIEGO.username);
    expect(errorOf(await finish(again, codeFor(), 'corta')).code).toBe('password_rejected');
    ports.clock.advance(601);
    expect(errorOf(await finish(again, codeFor()))).toEqual({ code: 'code_rejected' }); // expired
    ports.clock.advance(3600);
    const last = await ask(DIEGO.username);
    expect(errorOf(await finish(last, codeFor(), 'corta')).code).toBe('password_rejected');
    expect((await finish(last, codeFor())).isOk()).toBe(true);
  });

  it('a renewed customer number’s legacy username recovers its login: the code goes to the login’s email', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate();
    const before = ports.outbox.messages().length;
    const { flowToken } = (
      await uc.requestRecovery({ identifier: DIEGO.username, context: ctx })
    ).unwrap();
    const sent = ports.outbox.messages().slice(before);
    expect(sent.map((m) => [m.email.template, m.email.to])).toEqual([
      ['recovery_code', DIEGO.email],
    ]);
    const code = sent[0]?.email.secret?.code as string;
    const r = await uc.completeRecovery({
      flowToken,
      code,
      newPassword: 'otra frase muy larga',
      confirmation: 'otra frase muy larga',
      context: ctx,
    });
    expect(r.unwrap()).toMatchObject({ loginEmail: DIEGO.email, passwordChanged: true });
  });

  it('the renewal use cases never answer a recovery flow, even one that took over a sign-in', async () => {
    const { uc, startRenewal, codeFor, complete } = await setup();
    await startRenewal(); // a live renewal code: the recovery request takes the flow over
    const { flowToken } = (
      await uc.requestRecovery({ identifier: DIEGO.username, context: ctx })
    ).unwrap();
    expect(errorOf(await uc.resendRenewalCode({ flowToken, context: ctx }))).toEqual({
      code: 'flow_invalid',
    });
    expect(errorOf(await complete(flowToken, codeFor()))).toEqual({ code: 'flow_invalid' });
    // signing in with the legacy password makes it a renewal again
    const signedIn = await startRenewal();
    expect((await complete(signedIn.flowToken, codeFor())).isOk()).toBe(true);
  });

  it('a second recovery request for a legacy account while its recovery code is live takes the flow over', async () => {
    const { uc, ports, codeFor } = await setup();
    const request = () => uc.requestRecovery({ identifier: DIEGO.username, context: ctx });
    const first = (await request()).unwrap();
    const second = (await request()).unwrap();
    expect(ports.outbox.messages()).toHaveLength(1);
    const complete = (flowToken: string) =>
      uc.completeRecovery({
        flowToken,
        code: codeFor(),
        newPassword: NEW_PASSWORD,
        confirmation: NEW_PASSWORD,
        context: ctx,
      });
    // the first client's token no longer opens the flow (a recovery answers one generic error)
    expect((await complete(first.flowToken)).isErr()).toBe(true);
    expect((await complete(second.flowToken)).unwrap()).toMatchObject({ migrated: true });
  });

  it('wrong recovery codes of a login spend only its own budget, not the one reserved for sign-in renewals', async () => {
    const { uc, ports, migrate, codeFor, wrong } = await setup();
    await migrate();
    ports.clock.advance(61);
    const { flowToken } = (
      await uc.requestRecovery({ identifier: DIEGO.email, context: ctx })
    ).unwrap();
    const code = codeFor();
    // five wrong codes: the code is used up (5 tries), the login's 10 a day are not
    for (let i = 0; i < 5; i++)
      await uc.completeRecovery({
        flowToken,
        code: wrong(code),
        newPassword: NEW_PASSWORD,
        confirmation: NEW_PASSWORD,
        context: ctx,
      });
    ports.clock.advance(61);
    const sent = ports.outbox.messages().length;
    const again = (await uc.requestRecovery({ identifier: DIEGO.email, context: ctx })).unwrap();
    expect(ports.outbox.messages()).toHaveLength(sent + 1);
    expect(codeFor()).not.toBe(code);
    expect(
      (
        await uc.completeRecovery({
          flowToken: again.flowToken,
          code: codeFor(),
          newPassword: 'otra frase bastante larga',
          confirmation: 'otra frase bastante larga',
          context: ctx,
        })
      ).isOk(),
    ).toBe(true);
  });
});
