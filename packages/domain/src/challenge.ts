import {
  type Account,
  addSeconds,
  audit,
  isLogin,
  type Login,
  type PasswordHolder,
  type PendingRenewal,
  type Transition,
  touch,
} from './account.js';
import type { RequestContext } from './effects.js';
import type { DomainError } from './errors.js';
import type { Policies } from './policies.js';
import { Err, Ok, type Result } from './result.js';
import { type CodeFlow, countWrongCode, sendsInLastHour, wrongCodeBlockUntil } from './throttle.js';

/**
 * A one-time code sent by email. Only hashes are kept: the code hash and the hash of
 * the flow token that binds the code to the client that asked for it.
 */
export interface Challenge {
  codeHash: string;
  flowTokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
  /** Wrong codes entered against this code; never decreases. */
  attempts: number;
  /** Emails sent for this challenge (first send included). */
  sends: number;
  lastSentAt: Date;
}

/** A freshly drawn code and flow token, with their hashes (from the Secrets port). */
export interface IssuedCode {
  code: string;
  codeHash: string;
  flowTokenHash: string;
}

/** What a code can be open on: a renewal on a customer account, a recovery on a login. */
export type ChallengeHolder = PendingRenewal | Login;

/** The challenge currently open on an account or a login, if any. */
export function openChallenge(holder: Account | Login): Challenge | null {
  if (isLogin(holder)) return holder.recovery;
  return holder.status === 'pending_renewal' ? holder.challenge : null;
}

/** The holder with its challenge replaced. */
export const withChallenge = <H extends ChallengeHolder>(holder: H, challenge: Challenge): H =>
  isLogin(holder) ? { ...holder, recovery: challenge } : { ...holder, challenge };

/** A new challenge; `previous` (the one it replaces) carries its send count over. */
export const newChallenge = (
  issued: IssuedCode,
  previous: Challenge | null,
  now: Date,
  p: Policies,
): Challenge => ({
  codeHash: issued.codeHash,
  flowTokenHash: issued.flowTokenHash,
  issuedAt: now,
  expiresAt: addSeconds(now, p.codeLifetimeSeconds),
  attempts: 0,
  sends: (previous?.sends ?? 0) + 1,
  lastSentAt: now,
});

/** Whether a challenge can still be answered (not expired, not used up). */
export const isLive = (challenge: Challenge | null, now: Date, p: Policies): boolean =>
  !!challenge && now < challenge.expiresAt && challenge.attempts < p.maxAttemptsPerCode;

/**
 * When a new code may be emailed to this account or login, or null if now is fine.
 * Combines the cooldown since the last send and the hourly cap.
 */
export function nextSendAllowedAt(holder: PasswordHolder, now: Date, p: Policies): Date | null {
  const recent = sendsInLastHour(holder, now);
  const candidates: Date[] = [];
  const challenge = openChallenge(holder);
  if (challenge) {
    const cooldownEnd = addSeconds(challenge.lastSentAt, p.resendCooldownSeconds);
    if (cooldownEnd > now) candidates.push(cooldownEnd);
  }
  if (recent.length >= p.maxSendsPerHour) {
    const oldest = new Date(Math.min(...recent.map((t) => t.getTime())));
    candidates.push(addSeconds(oldest, 3600));
  }
  if (candidates.length === 0) return null;
  return new Date(Math.max(...candidates.map((t) => t.getTime())));
}

/**
 * A second request (a new browser, or a double submission) while the last code is
 * still fresh: the new client takes over the flow and no new email is sent.
 */
export function rebindChallenge<H extends ChallengeHolder>(
  holder: H,
  challenge: Challenge,
  flowTokenHash: string,
  now: Date,
): Transition<H> {
  return {
    account: touch(withChallenge(holder, { ...challenge, flowTokenHash }), now),
    effects: [],
  };
}

/** Whose budget a code of this holder spends (see `CodeFlow`). */
export const codeFlowOf = (holder: ChallengeHolder | PasswordHolder): CodeFlow =>
  isLogin(holder)
    ? { anonymous: true, reserve: false }
    : {
        anonymous: holder.status !== 'pending_renewal' || holder.origin === 'recovery',
        reserve: true,
      };

/**
 * Checks a code against a holder's open challenge. A wrong code is a state change
 * (attempt counters go up) that must be persisted; the error comes with it.
 */
export function checkCode<H extends ChallengeHolder>(
  holder: H,
  challenge: Challenge,
  codeMatches: boolean,
  now: Date,
  ctx: RequestContext,
  p: Policies,
): Result<void, { error: DomainError; transition: Transition<H> | null }> {
  const flow = codeFlowOf(holder);
  const blockedUntil = wrongCodeBlockUntil(holder, now, p, flow);
  if (blockedUntil)
    return Err({ error: { code: 'throttled', retryAt: blockedUntil }, transition: null });
  if (challenge.attempts >= p.maxAttemptsPerCode)
    return Err({ error: { code: 'code_exhausted' }, transition: null });
  if (now >= challenge.expiresAt) return Err({ error: { code: 'code_expired' }, transition: null });
  if (codeMatches) return Ok(undefined);

  const attempts = challenge.attempts + 1;
  const next = touch(
    withChallenge(countWrongCode(holder, now, p, flow), { ...challenge, attempts }),
    now,
  );
  const attemptsLeft = Math.max(0, p.maxAttemptsPerCode - attempts);
  return Err({
    error: attemptsLeft === 0 ? { code: 'code_exhausted' } : { code: 'code_invalid', attemptsLeft },
    transition: { account: next, effects: [audit('code_failed', holder, now, ctx, { attempts })] },
  });
}
