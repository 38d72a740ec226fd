import { describe, expect, it } from 'vitest';
import { ctx, DIEGO, errorOf, NEW_PASSWORD, setup } from './setup.js';

type Setup = Awaited<ReturnType<typeof setup>>;

/** Anyone who knows Diego's username asks for a recovery; returns that flow's token. */
const anonymousRecovery = async (s: Setup) =>
  (await s.uc.requestRecovery({ identifier: DIEGO.username, context: ctx })).unwrap().flowToken;
const recoveryGuess = (s: Setup, flowToken: string, code: string) =>
  s.uc.completeRecovery({
    flowToken,
    code,
    newPassword: NEW_PASSWORD,
    confirmation: NEW_PASSWORD,
    context: ctx,
  });
const emails = (s: Setup) => s.ports.outbox.messages().length;

describe('code budgets: what anonymous recovery requests cannot take from the customer', () => {
  it('a renewal started with the legacy password survives anonymous recovery requests', async () => {
    const s = await setup();
    const { flowToken } = await s.startRenewal();
    const code = s.codeFor();
    for (let i = 0; i < 6; i++) {
      await anonymousRecovery(s); // the attacker's flow token leads nowhere
      s.ports.clock.advance(61);
    }
    expect(emails(s)).toBe(1); // no new code replaced the customer's
    expect((await s.complete(flowToken, code)).isOk()).toBe(true);
  });

  it('anonymous flows spend at most 5 of the 10 wrong codes; the customer keeps the other 5', async () => {
    const s = await setup();
    let refusedSends = 0;
    for (let round = 0; round < 4; round++) {
      const before = emails(s);
      const flow = await anonymousRecovery(s);
      if (emails(s) === before) refusedSends++;
      for (let i = 0; i < 5; i++) await recoveryGuess(s, flow, '000000');
      s.ports.clock.advance(3600);
    }
    const after = await s.holder();
    expect(after.anonymousWrongCodesAt).toHaveLength(5);
    expect(refusedSends).toBeGreaterThan(0); // no code email once that budget was spent
    // the customer proves the legacy password: a code, and guesses the attacker could not spend
    const { flowToken } = await s.startRenewal();
    for (let i = 0; i < 4; i++)
      expect(errorOf(await s.complete(flowToken, '000000')).code).toBe('code_invalid');
    expect((await s.complete(flowToken, s.codeFor())).isOk()).toBe(true);
  });

  it('at most 10 wrong codes in any sliding 24 h, across a day boundary too', async () => {
    const s = await setup();
    const day = 86_400;
    const { flowToken } = await s.startRenewal();
    expect(errorOf(await s.complete(flowToken, '000000')).code).toBe('code_invalid'); // t0
    s.ports.clock.advance(day - 3600); // t0 + 23 h: 9 more, over fresh codes
    let guesses = 1;
    let sinceResend = 4; // the first code is long expired: a new one first
    while (guesses < 10) {
      if (sinceResend === 4) {
        s.ports.clock.advance(61);
        (await s.uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
        sinceResend = 0;
      }
      expect(errorOf(await s.complete(flowToken, '000000')).code).toBe('code_invalid');
      guesses++;
      sinceResend++;
    }
    expect(errorOf(await s.complete(flowToken, '000000')).code).toBe('throttled');
    // just past t0 + 24 h a fixed window would reset to 10 fresh guesses: one slot frees
    s.ports.clock.advance(3600 - 61 * 2 + 1);
    s.ports.clock.advance(61);
    const resent = await s.uc.resendRenewalCode({ flowToken, context: ctx });
    expect(resent.isOk()).toBe(true);
    expect(errorOf(await s.complete(flowToken, '000000')).code).toBe('code_invalid');
    expect(errorOf(await s.complete(flowToken, '000000')).code).toBe('throttled');
    expect((await s.holder()).wrongCodesAt).toHaveLength(10);
  });

  it('no code email once the budget is spent: neither a sign-in nor a resend sends one', async () => {
    const s = await setup();
    const { flowToken } = await s.startRenewal();
    for (let i = 0; i < 10; i++) {
      if (i > 0 && i % 4 === 0) {
        s.ports.clock.advance(61);
        (await s.uc.resendRenewalCode({ flowToken, context: ctx })).unwrap();
      }
      await s.complete(flowToken, '000000');
    }
    const sent = emails(s);
    s.ports.clock.advance(3600);
    expect(errorOf(await s.uc.resendRenewalCode({ flowToken, context: ctx })).code).toBe(
      'throttled',
    );
    const signIn = await s.uc.logIn({
      identifier: DIEGO.username,
      password: DIEGO.password,
      context: ctx,
    });
    expect(errorOf(signIn).code).toBe('throttled');
    await anonymousRecovery(s);
    expect(emails(s)).toBe(sent);
  });
});
