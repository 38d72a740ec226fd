import { addSeconds } from './account.js';
import type { Policies } from './policies.js';

/**
 * The counters of whatever holds a password or receives codes: a customer account
 * before its renewal, a login after. Failures are state changes and are persisted.
 */
export interface Throttle {
  /** Consecutive password failures and when the last one happened. */
  failedLogins: number;
  lastFailedLoginAt: Date | null;
  /**
   * When each wrong code of the last `wrongCodeWindowSeconds` was entered, across every
   * code sent and every flow (a sliding window; resends never reset it).
   */
  wrongCodesAt: readonly Date[];
  /** Those of them entered in flows anyone can start (recoveries): a budget of their own. */
  anonymousWrongCodesAt: readonly Date[];
  /** Times of code emails in the last hour, for the hourly send limit. */
  recentSends: readonly Date[];
}

/** A fresh set of counters (a new account or login). */
export const noThrottle = (): Throttle => ({
  failedLogins: 0,
  lastFailedLoginAt: null,
  wrongCodesAt: [],
  anonymousWrongCodesAt: [],
  recentSends: [],
});

/** Sends in the last hour, pruned. */
export const sendsInLastHour = (t: Throttle, now: Date): Date[] =>
  t.recentSends.filter((s) => now.getTime() - s.getTime() < 3_600_000);

/**
 * When the next password attempt is allowed: null if now is fine, `locked` past the cap
 * (only a recovery or support unlocks it). Exponential after `loginFailuresBeforeBackoff`.
 */
export function loginBlockedUntil(
  t: Pick<Throttle, 'failedLogins' | 'lastFailedLoginAt'>,
  now: Date,
  p: Policies,
): Date | null | 'locked' {
  if (t.failedLogins >= p.loginFailureCap) return 'locked';
  const over = t.failedLogins - p.loginFailuresBeforeBackoff;
  if (over < 0 || !t.lastFailedLoginAt) return null;
  const delay = Math.min(p.loginBackoffBaseSeconds * 2 ** over, p.loginBackoffMaxSeconds);
  const until = addSeconds(t.lastFailedLoginAt, delay);
  return until > now ? until : null;
}

/**
 * Whose code is being tried: a renewal started by proving the legacy password
 * (`proven`), or a flow anyone can start for any identifier (`anonymous`: a recovery).
 * On a customer account, anonymous flows may spend only the per-account budget minus
 * `wrongCodesReservedForSignIn`, so they can never lock the customer out of renewing;
 * a login has only recoveries, so its whole budget is theirs.
 */
export type CodeFlow = { anonymous: boolean; reserve: boolean };

const inWindow = (times: readonly Date[], now: Date, p: Policies): Date[] =>
  times
    .filter((t) => now.getTime() - t.getTime() < p.wrongCodeWindowSeconds * 1000)
    .sort((a, b) => a.getTime() - b.getTime());

/**
 * When enough wrong codes leave the sliding window for this flow to try again, or null
 * if a code may be tried now. At most `maxWrongCodesPerAccount` wrong codes fit in any
 * window, whatever the flows: with 6 digits and the defaults, a 1e-5 chance per 24 h.
 */
export function wrongCodeBlockUntil(
  t: Throttle,
  now: Date,
  p: Policies,
  flow: CodeFlow = { anonymous: false, reserve: false },
): Date | null {
  const until: number[] = [];
  const blockedBy = (times: Date[], cap: number) => {
    if (cap <= 0) until.push(now.getTime() + p.wrongCodeWindowSeconds * 1000);
    else if (times.length >= cap)
      until.push((times[times.length - cap] as Date).getTime() + p.wrongCodeWindowSeconds * 1000);
  };
  blockedBy(inWindow(t.wrongCodesAt, now, p), p.maxWrongCodesPerAccount);
  if (flow.anonymous && flow.reserve)
    blockedBy(
      inWindow(t.anonymousWrongCodesAt, now, p),
      p.maxWrongCodesPerAccount - p.wrongCodesReservedForSignIn,
    );
  return until.length > 0 ? new Date(Math.max(...until)) : null;
}

/** One more wrong code, at `now`, in the sliding window (older ones are dropped). */
export function countWrongCode<T extends Throttle>(
  t: T,
  now: Date,
  p: Policies,
  flow: CodeFlow,
): T {
  const anonymous = inWindow(t.anonymousWrongCodesAt, now, p);
  return {
    ...t,
    wrongCodesAt: [...inWindow(t.wrongCodesAt, now, p), now],
    anonymousWrongCodesAt: flow.anonymous ? [...anonymous, now] : anonymous,
  };
}

/** A proven password: the consecutive-failure count starts again. */
export const clearFailedLogins = <T extends Throttle>(t: T): T => ({
  ...t,
  failedLogins: 0,
  lastFailedLoginAt: null,
});
