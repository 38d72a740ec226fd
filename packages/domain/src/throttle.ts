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
  /** Wrong codes in the current window, across every code sent; resends never reset it. */
  wrongCodes: number;
  wrongCodesSince: Date | null;
  /** Times of code emails in the last hour, for the hourly send limit. */
  recentSends: readonly Date[];
}

/** A fresh set of counters (a new account or login). */
export const noThrottle = (): Throttle => ({
  failedLogins: 0,
  lastFailedLoginAt: null,
  wrongCodes: 0,
  wrongCodesSince: null,
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

/** When a blocked holder's wrong-code window ends, or null if codes may be tried. */
export function wrongCodeBlockUntil(t: Throttle, now: Date, p: Policies): Date | null {
  if (!t.wrongCodesSince) return null;
  const end = addSeconds(t.wrongCodesSince, p.wrongCodeWindowSeconds);
  if (end <= now) return null;
  return t.wrongCodes >= p.maxWrongCodesPerAccount ? end : null;
}

/** One more wrong code in the window (or the first of a new window). */
export function countWrongCode<T extends Throttle>(t: T, now: Date, p: Policies): T {
  const windowOpen =
    t.wrongCodesSince !== null &&
    now.getTime() - t.wrongCodesSince.getTime() < p.wrongCodeWindowSeconds * 1000;
  return {
    ...t,
    wrongCodes: windowOpen ? t.wrongCodes + 1 : 1,
    wrongCodesSince: windowOpen ? t.wrongCodesSince : now,
  };
}

/** A proven password: the consecutive-failure count starts again. */
export const clearFailedLogins = <T extends Throttle>(t: T): T => ({
  ...t,
  failedLogins: 0,
  lastFailedLoginAt: null,
});
