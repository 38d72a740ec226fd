import { numRuns } from '@renueva/domain/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openChallenge } from '../../src/index.js';
import { ctx, DIEGO, NEW_PASSWORD, setup } from './setup.js';

/** What a customer (or an attacker holding the flow) can do to a pending renewal. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('wrong' as const) }),
  fc.record({ kind: fc.constant('badPassword' as const) }),
  fc.record({ kind: fc.constant('resend' as const) }),
  fc.record({ kind: fc.constant('login' as const) }),
  fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 3 * 3600 }) }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

async function pending() {
  const s = await setup();
  const started = await s.startRenewal();
  return { ...s, flow: started.flowToken };
}

async function apply(s: Awaited<ReturnType<typeof pending>>, st: Step) {
  switch (st.kind) {
    case 'wrong':
      return s.complete(s.flow, s.wrong(s.codeFor()));
    case 'badPassword':
      return s.complete(s.flow, s.codeFor(), 'corta');
    case 'resend':
      return s.uc.resendRenewalCode({ flowToken: s.flow, context: ctx });
    case 'login': {
      const r = await s.uc.logIn({
        identifier: DIEGO.username,
        password: DIEGO.password,
        context: ctx,
      });
      if (r.isOk() && r.value.kind === 'renewal_started') s.flow = r.value.flowToken;
      return r;
    }
    case 'wait':
      s.ports.clock.advance(st.seconds);
      return null;
  }
}

describe('properties of the renewal', () => {
  it('attempts never decrease for a code, and the account failure count only resets with its window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const s = await pending();
        let before = await s.holder();
        for (const st of steps) {
          await apply(s, st);
          const after = await s.holder();
          const [c0, c1] = [openChallenge(before), openChallenge(after)];
          if (c0 && c1 && c0.codeHash === c1.codeHash)
            expect(c1.attempts).toBeGreaterThanOrEqual(c0.attempts);
          // a wrong code leaves the count only by sliding out of the window
          const stillIn = before.wrongCodesAt.filter(
            (at) =>
              s.ports.clock.now().getTime() - at.getTime() <
              s.ports.policies.wrongCodeWindowSeconds * 1000,
          ).length;
          expect(after.wrongCodesAt.length).toBeGreaterThanOrEqual(stillIn);
          before = after;
        }
      }),
      { numRuns: numRuns(150) },
    );
  });

  it('an expired code is never accepted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 600, max: 30 * 86_400 }), async (seconds) => {
        const s = await pending();
        s.ports.clock.advance(seconds);
        const r = await s.complete(s.flow, s.codeFor());
        expect(r.isErr() && r.error.code).toBe('code_expired');
        expect((await s.account()).status).toBe('pending_renewal');
      }),
      { numRuns: numRuns(100) },
    );
  });

  it('after 5 wrong codes the right one is refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 9, maxLength: 9 }),
        async (wrongs, waits) => {
          const s = await pending();
          const code = s.codeFor();
          for (let i = 0; i < wrongs; i++) {
            s.ports.clock.advance(waits[i] ?? 0);
            await s.complete(s.flow, s.wrong(code));
          }
          const r = await s.complete(s.flow, code);
          expect(r.isErr()).toBe(true);
          expect((await s.account()).status).toBe('pending_renewal');
        },
      ),
      { numRuns: numRuns(100) },
    );
  });

  it('a resend never resets the account failure budget', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 9 }), async (wrongs) => {
        const s = await pending();
        for (let i = 0; i < wrongs; i++) {
          if (i === 5) {
            s.ports.clock.advance(60);
            (await s.uc.resendRenewalCode({ flowToken: s.flow, context: ctx })).unwrap();
          }
          await s.complete(s.flow, s.wrong(s.codeFor()));
        }
        const before = (await s.holder()).wrongCodesAt.length;
        s.ports.clock.advance(120);
        (await s.uc.resendRenewalCode({ flowToken: s.flow, context: ctx })).unwrap();
        expect((await s.holder()).wrongCodesAt).toHaveLength(before);
        expect(before).toBe(wrongs);
      }),
      { numRuns: numRuns(100) },
    );
  });

  it('codes and flow tokens are never stored in clear', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 15 }), async (steps) => {
        const s = await pending();
        const tokens = [s.flow];
        for (const st of steps) {
          await apply(s, st);
          tokens.push(s.flow);
        }
        const stored = JSON.stringify([await s.account(), s.ports.audit.entries()]);
        for (const code of s.ports.secrets.codes)
          expect(stored).not.toMatch(new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`));
        for (const token of tokens) expect(stored).not.toContain(token);
      }),
      { numRuns: numRuns(100) },
    );
  });

  it('migrated is terminal', async () => {
    const anything = fc.oneof(step, fc.record({ kind: fc.constant('recover' as const) }));
    await fc.assert(
      fc.asyncProperty(fc.array(anything, { maxLength: 15 }), async (steps) => {
        const s = await pending();
        (await s.complete(s.flow, s.codeFor())).unwrap();
        for (const st of steps) {
          if (st.kind === 'recover') {
            const { flowToken } = (
              await s.uc.requestRecovery({ identifier: DIEGO.email, context: ctx })
            ).unwrap();
            s.flow = flowToken;
            const code = s.ports.outbox.messages().at(-1)?.email.secret?.code ?? '000000';
            await s.uc.completeRecovery({
              flowToken,
              code,
              newPassword: NEW_PASSWORD,
              confirmation: NEW_PASSWORD,
              context: ctx,
            });
          } else await apply(s, st);
          expect((await s.account()).status).toBe('migrated');
        }
      }),
      { numRuns: numRuns(100) },
    );
  });
});
