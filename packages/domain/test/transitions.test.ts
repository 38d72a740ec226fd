import { numRuns } from '@renueva/domain/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Account, Login, Versioned } from '../src/account.js';
import {
  checkCode,
  type IssuedCode,
  isLive,
  nextSendAllowedAt,
  openChallenge,
  rebindChallenge,
} from '../src/challenge.js';
import type { Effect } from '../src/effects.js';
import { defaultPolicies } from '../src/index.js';
import { completePasswordChange, startRecovery } from '../src/recovery.js';
import { completeMigration, reoriginRenewal, setEmail, startRenewal } from '../src/renewal.js';
import { recordFailedLogin, recordSignIn, unlock } from '../src/sign-in.js';
import { sendsInLastHour, wrongCodeBlockUntil } from '../src/throttle.js';
import {
  ARBITRARY_NOW,
  arbLegacyAccount,
  arbLogin,
  arbMigratedAccount,
  arbPendingRenewal,
  arbPolicies,
  arbRequestContext,
  arbTime,
} from '../testing/arbitraries.js';

// Properties of the pure transitions themselves, over arbitrary well-formed values (the
// use-case properties and the model-based test drive them through the ports instead).

const runs = { numRuns: numRuns(200) };
const arbNow = arbTime(ARBITRARY_NOW, 3 * 86_400);
const arbIssued: fc.Arbitrary<IssuedCode> = fc.record({
  code: fc.stringMatching(/^[0-9]{6}$/),
  codeHash: fc.stringMatching(/^[0-9a-f]{64}$/),
  flowTokenHash: fc.stringMatching(/^[0-9a-f]{64}$/),
});
const arbHolder = fc.oneof(arbLegacyAccount(), arbPendingRenewal(), arbLogin());

/** What every transition keeps and what it moves: identity kept, version +1, updated now. */
function expectTouched(before: Versioned, after: Versioned, now: Date) {
  expect(after.id).toBe(before.id);
  expect(after.createdAt).toEqual(before.createdAt);
  expect(after.version).toBe(before.version + 1);
  expect(after.updatedAt).toEqual(now);
}

function expectSameIdentity(before: Account | Login, after: Account | Login) {
  if ('status' in before && 'status' in after) {
    expect(after.customerNumber).toBe(before.customerNumber);
    expect(after.legacyUsername).toBe(before.legacyUsername);
  } else if (!('status' in before) && !('status' in after)) {
    expect(after.email).toBe(before.email);
    expect(after.customerNumbers).toEqual(before.customerNumbers);
  } else throw new Error('a transition turned an account into a login, or back');
}

/** Audit entries are stamped with the transition's time. */
const expectAuditAt = (effects: Effect[], now: Date) => {
  for (const e of effects) if (e.type === 'audit') expect(e.entry.at).toEqual(now);
};

describe('every transition', () => {
  it('bumps the version by one, stamps the time, and never changes id or customer number', () => {
    fc.assert(
      fc.property(
        arbLegacyAccount(),
        arbPendingRenewal(),
        arbLogin(),
        arbIssued,
        arbNow,
        arbRequestContext(),
        fc.constantFrom('login' as const, 'recovery' as const),
        (legacy, pending, login, issued, now, ctx, origin) => {
          const p = defaultPolicies;
          const transitions: [Account | Login, { account: Account | Login; effects: Effect[] }][] =
            [
              [legacy, startRenewal(legacy, 'a@x.mx', origin, issued, now, ctx, p)],
              [pending, startRenewal(pending, 'a@x.mx', origin, issued, now, ctx, p)],
              [pending, rebindChallenge(pending, pending.challenge, issued.flowTokenHash, now)],
              [legacy, setEmail(legacy, 'b@x.mx', now, 'support')],
              [pending, setEmail(pending, 'b@x.mx', now, 'support')],
              [legacy, recordFailedLogin(legacy, now, ctx)],
              [pending, recordFailedLogin(pending, now, ctx)],
              [login, recordFailedLogin(login, now, ctx)],
              [legacy, unlock(legacy, now, 'support')],
              [login, unlock(login, now, 'support')],
              [login, startRecovery(login, issued, now, ctx, p)],
              [login, completePasswordChange(login, '$argon2id$new', now, ctx)],
              [login, recordSignIn(login, null, now, ctx)],
            ];
          for (const [before, t] of transitions) {
            expectTouched(before, t.account, now);
            expectSameIdentity(before, t.account);
            expectAuditAt(t.effects, now);
          }
          const joined = completeMigration(pending, { existing: login }, '$argon2id$x', now, ctx);
          expectTouched(pending, joined.account, now);
          expectTouched(login, joined.login, now);
          expect(joined.account.customerNumber).toBe(pending.customerNumber);
          expect(joined.login.email).toBe(login.email);
          const created = completeMigration(
            pending,
            { newLoginId: 'new-login', email: 'c@x.mx' },
            '$argon2id$x',
            now,
            ctx,
          );
          expectTouched(pending, created.account, now);
          expect(created.login.version).toBe(1); // a new login: its first version
          expect(created.login.createdAt).toEqual(now);
        },
      ),
      runs,
    );
  });
});

describe('checkCode', () => {
  it('never decreases attempts; the wrong-code count only starts again when its window closed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          arbPendingRenewal(),
          arbLogin().filter((l) => l.recovery !== null),
        ),
        fc.boolean(),
        arbNow,
        arbRequestContext(),
        (holder, matches, now, ctx) => {
          const challenge = 'status' in holder ? holder.challenge : holder.recovery;
          if (!challenge) throw new Error('no challenge');
          const p = defaultPolicies;
          const r = checkCode(holder, challenge, matches, now, ctx, p);
          if (r.isOk()) {
            expect(matches).toBe(true);
            return;
          }
          const t = r.error.transition;
          if (!t) return; // refused before looking at the code: nothing changes
          expect(matches).toBe(false);
          expectTouched(holder, t.account, now);
          const after = 'status' in t.account ? t.account.challenge : t.account.recovery;
          expect(after?.attempts).toBe(challenge.attempts + 1);
          expect(after?.codeHash).toBe(challenge.codeHash);
          // a sliding window: the wrong codes still in it, and this one
          const inWindow = (times: readonly Date[]) =>
            times.filter((at) => now.getTime() - at.getTime() < p.wrongCodeWindowSeconds * 1000)
              .length;
          expect(t.account.wrongCodesAt).toHaveLength(inWindow(holder.wrongCodesAt) + 1);
          expect(t.account.wrongCodesAt.at(-1)).toEqual(now);
          const anonymous = 'status' in holder ? holder.origin === 'recovery' : true;
          expect(t.account.anonymousWrongCodesAt).toHaveLength(
            inWindow(holder.anonymousWrongCodesAt) + (anonymous ? 1 : 0),
          );
          expect(r.error.error.code).toBe(
            challenge.attempts + 1 >= p.maxAttemptsPerCode ? 'code_exhausted' : 'code_invalid',
          );
        },
      ),
      runs,
    );
  });

  it('refuses an expired or used-up code whatever is typed, and a blocked holder first', () => {
    fc.assert(
      fc.property(arbPendingRenewal(), fc.boolean(), arbNow, (holder, matches, now) => {
        const p = defaultPolicies;
        const r = checkCode(
          holder,
          holder.challenge,
          matches,
          now,
          { ip: null, userAgent: null },
          p,
        );
        const recent = (times: readonly Date[]) =>
          times.filter((at) => now.getTime() - at.getTime() < p.wrongCodeWindowSeconds * 1000)
            .length;
        const blocked =
          recent(holder.wrongCodesAt) >= p.maxWrongCodesPerAccount ||
          (holder.origin === 'recovery' &&
            recent(holder.anonymousWrongCodesAt) >=
              p.maxWrongCodesPerAccount - p.wrongCodesReservedForSignIn);
        const dead =
          holder.challenge.attempts >= p.maxAttemptsPerCode || now >= holder.challenge.expiresAt;
        if (blocked || dead) expect(r.isErr() && r.error.transition).toBe(null);
        if (blocked) expect(r.isErr() && r.error.error.code).toBe('throttled');
        if (!blocked && !dead) expect(r.isOk()).toBe(matches);
      }),
      runs,
    );
  });
});

describe('completeMigration', () => {
  it('yields a migrated account of the login, keeps every number the login had, and no legacy hash', () => {
    fc.assert(
      fc.property(
        arbPendingRenewal(),
        fc.option(arbLogin(), { nil: null }),
        arbNow,
        arbRequestContext(),
        (account, existing, now, ctx) => {
          const target = existing
            ? { existing }
            : { newLoginId: '5f0c8a4e-1111-4000-8000-000000000001', email: 'nuevo@x.mx' };
          const m = completeMigration(account, target, '$argon2id$new', now, ctx);
          expect(m.account.status).toBe('migrated');
          expect(m.account.loginId).toBe(m.login.id);
          expect(m.account.migratedAt).toEqual(now);
          for (const gone of ['legacyPasswordHash', 'challenge', 'origin', 'failedLogins'])
            expect(m.account).not.toHaveProperty(gone);
          expect(m.joined).toBe(existing !== null);
          if (existing) expect(m.login.id).toBe(existing.id);

          const before = existing?.customerNumbers ?? [];
          expect(m.login.customerNumbers).toEqual(
            expect.arrayContaining([...before, account.customerNumber]),
          );
          expect(new Set(m.login.customerNumbers).size).toBe(m.login.customerNumbers.length);
          expect(m.login.customerNumbers.length).toBe(
            new Set([...before, account.customerNumber]).size,
          );
          expect(m.login.customerNumbers).toEqual([...m.login.customerNumbers].sort());

          expect(m.login.passwordHash).toBe('$argon2id$new');
          expect(m.login.passwordChangedAt).toEqual(now);
          expect(m.login.recovery).toBeNull();
          expect(m.login.failedLogins).toBe(0);
          const email = m.effects.find((e) => e.type === 'email');
          expect(email?.type === 'email' && email.email).toMatchObject({
            template: 'renewal_completed',
            to: m.login.email,
            data: { customerNumbers: m.login.customerNumbers, passwordChanged: m.joined },
          });
        },
      ),
      runs,
    );
  });
});

describe('sign-in counters', () => {
  it('recordFailedLogin counts one more failure at now; nothing else about the throttle moves', () => {
    fc.assert(
      fc.property(arbHolder, arbNow, arbRequestContext(), (holder, now, ctx) => {
        const { account: next, effects } = recordFailedLogin(holder, now, ctx);
        expect(next.failedLogins).toBe(holder.failedLogins + 1);
        expect(next.lastFailedLoginAt).toEqual(now);
        expect(next.wrongCodesAt).toEqual(holder.wrongCodesAt);
        expect(next.recentSends).toEqual(holder.recentSends);
        expect(effects).toEqual([
          expect.objectContaining({
            type: 'audit',
            entry: expect.objectContaining({
              action: 'login_failed',
              detail: { consecutive: holder.failedLogins + 1 },
            }),
          }),
        ]);
      }),
      runs,
    );
  });

  it('unlock clears the failures (and a lock) and nothing else; it names the actor', () => {
    fc.assert(
      fc.property(arbHolder, arbNow, (holder, now) => {
        const { account: next, effects } = unlock(holder, now, 'soporte@renueva');
        expect(next.failedLogins).toBe(0);
        expect(next.lastFailedLoginAt).toBeNull();
        expect(next.wrongCodesAt).toEqual(holder.wrongCodesAt);
        expect(next.anonymousWrongCodesAt).toEqual(holder.anonymousWrongCodesAt);
        expect(next.recentSends).toEqual(holder.recentSends);
        const entry = effects[0]?.type === 'audit' ? effects[0].entry : null;
        expect(entry?.detail).toEqual({
          actor: 'soporte@renueva',
          previousFailures: holder.failedLogins,
        });
      }),
      runs,
    );
  });
});

describe('sending codes', () => {
  it('never exceeds the hourly cap nor the cooldown when callers respect nextSendAllowedAt', () => {
    fc.assert(
      fc.property(
        arbPolicies(),
        arbLegacyAccount(),
        arbLogin(),
        fc.array(fc.integer({ min: 0, max: 1800 }), { minLength: 1, maxLength: 40 }),
        arbIssued,
        (p, legacy, login, waits, issued) => {
          // start after every generated send time (some within the last hour), within the
          // cap, as a real store is
          let now = new Date(ARBITRARY_NOW.getTime() + 2 * 3600 * 1000);
          fc.pre(sendsInLastHour(legacy, now).length <= p.maxSendsPerHour);
          fc.pre(sendsInLastHour(login, now).length <= p.maxSendsPerHour);
          const ctx = { ip: null, userAgent: null };
          let account: Parameters<typeof startRenewal>[0] = legacy;
          let holderLogin: Login = { ...login, recovery: null };
          const before = { account: legacy.recentSends, login: login.recentSends };
          const sent: { account: Date[]; login: Date[] } = { account: [], login: [] };
          for (const wait of waits) {
            now = new Date(now.getTime() + wait * 1000);
            if (nextSendAllowedAt(account, now, p) === null) {
              account = startRenewal(account, 'a@x.mx', 'login', issued, now, ctx, p).account;
              sent.account.push(now);
            }
            if (nextSendAllowedAt(holderLogin, now, p) === null) {
              holderLogin = startRecovery(holderLogin, issued, now, ctx, p).account;
              sent.login.push(now);
            }
          }
          for (const key of ['account', 'login'] as const) {
            const fresh = sent[key];
            const all = [...before[key], ...fresh];
            for (const t of fresh) {
              const inHour = all.filter((s) => s <= t && t.getTime() - s.getTime() < 3_600_000);
              expect(inHour.length).toBeLessThanOrEqual(p.maxSendsPerHour);
            }
            for (const [i, t] of fresh.entries())
              if (i > 0)
                expect(t.getTime() - (fresh[i - 1] as Date).getTime()).toBeGreaterThanOrEqual(
                  p.resendCooldownSeconds * 1000,
                );
          }
        },
      ),
      runs,
    );
  });
});

// Exact instants and exact outputs the properties above pass through only by chance
// (survivors of a mutation run, docs/testing.md).
describe('boundaries', () => {
  it('a code is dead at the very instant it expires, alive one millisecond before', () => {
    fc.assert(
      fc.property(arbPendingRenewal(), (holder) => {
        const c = { ...holder.challenge, attempts: 0 };
        const at = c.expiresAt.getTime();
        expect(isLive(c, new Date(at - 1), defaultPolicies)).toBe(true);
        expect(isLive(c, new Date(at), defaultPolicies)).toBe(false);
        expect(isLive(null, new Date(at - 1), defaultPolicies)).toBe(false);
      }),
      runs,
    );
  });

  it('rebinding a fresh code sends nothing and changes only the flow token', () => {
    fc.assert(
      fc.property(arbPendingRenewal(), arbNow, (holder, now) => {
        const hash = 'f'.repeat(64);
        const { account, effects } = rebindChallenge(holder, holder.challenge, hash, now);
        expect(effects).toEqual([]);
        expect(account.challenge).toEqual({ ...holder.challenge, flowTokenHash: hash });
      }),
      runs,
    );
  });

  it('unlock is audited without a request context: support acted, not a client', () => {
    fc.assert(
      fc.property(arbHolder, arbNow, (holder, now) => {
        const { effects } = unlock(holder, now, 'soporte@renueva');
        const entry = effects[0]?.type === 'audit' ? effects[0].entry : null;
        expect(entry?.action).toBe('unlocked');
        expect(entry?.ip).toBeNull();
      }),
      runs,
    );
  });

  it('a send exactly one hour old no longer counts against the hourly cap', () => {
    fc.assert(
      fc.property(arbLogin(), (login) => {
        const now = new Date(ARBITRARY_NOW.getTime() + 7 * 86_400_000);
        const hourAgo = new Date(now.getTime() - 3_600_000);
        const justInside = new Date(now.getTime() - 3_599_999);
        const t = { ...login, recentSends: [hourAgo, justInside] };
        expect(sendsInLastHour(t, now)).toEqual([justInside]);
      }),
      runs,
    );
  });
});

describe('open challenges and code budgets', () => {
  const ctx = { ip: null, userAgent: null };
  const p = defaultPolicies;

  it('only a pending renewal (or a login in recovery) has an open code', () => {
    fc.assert(
      fc.property(arbLegacyAccount(), arbMigratedAccount(), (legacy, migrated) => {
        expect(openChallenge(legacy)).toBeNull();
        expect(openChallenge(migrated)).toBeNull();
      }),
      runs,
    );
  });

  it('a new code counts the emails of the flow: one for the first, one more for each resend', () => {
    fc.assert(
      fc.property(arbLegacyAccount(), arbIssued, arbNow, (legacy, issued, now) => {
        const first = startRenewal(legacy, 'a@x.mx', 'login', issued, now, ctx, p).account;
        expect(first.challenge.sends).toBe(1);
        const later = new Date(now.getTime() + 600_000);
        const second = startRenewal(first, 'a@x.mx', 'login', issued, later, ctx, p).account;
        expect(second.challenge.sends).toBe(2);
      }),
      runs,
    );
  });

  // wrong codes spread over the last hour, oldest first
  const wrongCodes = (now: Date, n: number) =>
    Array.from({ length: n }, (_, i) => new Date(now.getTime() - (n - i) * 60_000));

  it("a recovery started by anyone spends the anonymous budget; the customer's own renewal does not", () => {
    fc.assert(
      fc.property(arbPendingRenewal(), arbNow, (pending, now) => {
        const challenge = {
          ...pending.challenge,
          attempts: 0,
          expiresAt: new Date(now.getTime() + 60_000),
        };
        const clean = { ...pending, challenge, wrongCodesAt: [], anonymousWrongCodesAt: [] };
        for (const origin of ['login', 'recovery'] as const) {
          const r = checkCode({ ...clean, origin }, challenge, false, now, ctx, p);
          const next = r.isErr() ? r.error.transition?.account : undefined;
          expect(next?.wrongCodesAt).toEqual([now]);
          expect(next?.anonymousWrongCodesAt).toEqual(origin === 'recovery' ? [now] : []);
        }
      }),
      runs,
    );
  });

  it("a login's recovery may use the whole window; only a customer account keeps guesses in reserve", () => {
    fc.assert(
      fc.property(arbLogin(), arbNow, (login, now) => {
        const spent = wrongCodes(now, p.maxWrongCodesPerAccount - p.wrongCodesReservedForSignIn);
        const challenge = {
          codeHash: 'c'.repeat(64),
          flowTokenHash: 'f'.repeat(64),
          issuedAt: now,
          expiresAt: new Date(now.getTime() + 60_000),
          attempts: 0,
          sends: 1,
          lastSentAt: now,
        };
        const holder = {
          ...login,
          recovery: challenge,
          wrongCodesAt: spent,
          anonymousWrongCodesAt: spent,
        };
        const r = checkCode(holder, challenge, true, now, ctx, p);
        expect(r.isOk()).toBe(true);
      }),
      runs,
    );
  });

  it('wrongCodeBlockUntil: a caller that names no flow gets the whole-window budget only', () => {
    fc.assert(
      fc.property(arbLogin(), arbNow, (login, now) => {
        const anonymousSpent = wrongCodes(now, p.maxWrongCodesPerAccount);
        const t = { ...login, wrongCodesAt: [], anonymousWrongCodesAt: anonymousSpent };
        expect(wrongCodeBlockUntil(t, now, p)).toBeNull();
        const all = { ...t, wrongCodesAt: anonymousSpent };
        expect(wrongCodeBlockUntil(all, now, p)).toEqual(
          new Date((anonymousSpent[0] as Date).getTime() + p.wrongCodeWindowSeconds * 1000),
        );
      }),
      runs,
    );
  });

  it('wrongCodeBlockUntil: blocked by both budgets, the later release wins; no anonymous budget at all blocks a whole window', () => {
    fc.assert(
      fc.property(arbLogin(), arbNow, (login, now) => {
        const window = p.wrongCodeWindowSeconds * 1000;
        const all = wrongCodes(now, p.maxWrongCodesPerAccount);
        const anonymous = all.slice(-(p.maxWrongCodesPerAccount - p.wrongCodesReservedForSignIn));
        const t = { ...login, wrongCodesAt: all, anonymousWrongCodesAt: anonymous };
        const flow = { anonymous: true, reserve: true };
        // the whole window frees a guess when its oldest leaves; the anonymous budget later
        expect(wrongCodeBlockUntil(t, now, p, flow)).toEqual(
          new Date((anonymous[0] as Date).getTime() + window),
        );
        const none = { ...p, wrongCodesReservedForSignIn: p.maxWrongCodesPerAccount };
        const fresh = { ...login, wrongCodesAt: [], anonymousWrongCodesAt: [] };
        expect(wrongCodeBlockUntil(fresh, now, none, flow)).toEqual(
          new Date(now.getTime() + window),
        );
      }),
      runs,
    );
  });
});

describe('what customers receive and what the audit keeps', () => {
  const ctx = { ip: null, userAgent: null };

  it('every email a transition sends is written for es-MX', () => {
    fc.assert(
      fc.property(
        arbLegacyAccount(),
        arbLogin(),
        arbIssued,
        arbNow,
        (legacy, login, issued, now) => {
          const p = defaultPolicies;
          const renewal = startRenewal(legacy, 'a@x.mx', 'login', issued, now, ctx, p);
          const recovery = startRecovery({ ...login, recovery: null }, issued, now, ctx, p);
          const done = completeMigration(
            renewal.account,
            { newLoginId: '5f0c8a4e-1111-4000-8000-000000000001', email: 'a@x.mx' },
            '$argon2id$new',
            now,
            ctx,
          );
          const emails = [...renewal.effects, ...recovery.effects, ...done.effects].flatMap((e) =>
            e.type === 'email' ? [e.email] : [],
          );
          expect(emails.length).toBe(3);
          for (const email of emails) expect(email.locale).toBe('es-MX');
        },
      ),
      runs,
    );
  });

  it("a completed renewal is audited with the flow's origin and whether it joined a login", () => {
    fc.assert(
      fc.property(
        arbPendingRenewal(),
        fc.option(arbLogin(), { nil: null }),
        arbNow,
        (account, existing, now) => {
          const target = existing
            ? { existing }
            : { newLoginId: '5f0c8a4e-1111-4000-8000-000000000001', email: 'nuevo@x.mx' };
          const m = completeMigration(account, target, '$argon2id$new', now, ctx);
          const entry = m.effects.find((e) => e.type === 'audit');
          expect(entry?.type === 'audit' && entry.entry).toMatchObject({
            action: 'renewal_completed',
            detail: { origin: account.origin, joined: existing !== null },
          });
        },
      ),
      runs,
    );
  });

  it('taking over a renewal by signing in clears the failures; by a recovery request it does not', () => {
    fc.assert(
      fc.property(arbPendingRenewal(), (account) => {
        const failing = { ...account, failedLogins: 3, lastFailedLoginAt: account.updatedAt };
        expect(reoriginRenewal(failing, 'recovery')).toMatchObject({
          origin: 'recovery',
          failedLogins: 3,
        });
        expect(reoriginRenewal(failing, 'login')).toMatchObject({
          origin: 'login',
          failedLogins: 0,
          lastFailedLoginAt: null,
        });
      }),
      runs,
    );
  });
});
