import type { AuditAction, AuditEntry, Effect, EmailMessage, RequestContext } from './effects.js';
import type { DomainError } from './errors.js';
import type { Policies } from './policies.js';
import { Err, Ok, type Result } from './result.js';

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

interface AccountBase {
  id: string;
  customerNumber: string;
  /** Original spelling; identity is case-insensitive. */
  legacyUsername: string;
  /** As on record; may be null or not a valid address (support fixes it). */
  registeredEmail: string | null;
  /** Optimistic concurrency: bumped by every transition, checked by every save. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Consecutive password failures and when the last one happened. */
  failedLogins: number;
  lastFailedLoginAt: Date | null;
  /** Wrong codes in the current window, across every code sent; resends never reset it. */
  wrongCodes: number;
  wrongCodesSince: Date | null;
  /** Times of code emails in the last hour, for the hourly send limit. */
  recentSends: readonly Date[];
}

export interface LegacyAccount extends AccountBase {
  status: 'legacy';
  /** Scheme-tagged legacy hash (DESIGN section 8). */
  legacyPasswordHash: string;
}

export interface PendingRenewal extends AccountBase {
  status: 'pending_renewal';
  legacyPasswordHash: string;
  origin: 'login' | 'recovery';
  challenge: Challenge;
}

export interface MigratedAccount extends AccountBase {
  status: 'migrated';
  /** The new login: the registered email, normalised. */
  loginEmail: string;
  /** argon2id PHC string. */
  passwordHash: string;
  migratedAt: Date;
  passwordChangedAt: Date;
  /** Set while a password recovery is under way. */
  recovery: Challenge | null;
}

export type Account = LegacyAccount | PendingRenewal | MigratedAccount;
export type AccountStatus = Account['status'];

export interface Transition<A extends Account = Account> {
  account: A;
  effects: Effect[];
}

/** A freshly drawn code and flow token, with their hashes (from the Secrets port). */
export interface IssuedCode {
  code: string;
  codeHash: string;
  flowTokenHash: string;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

const addSeconds = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);

/** Every transition bumps the version and the update time. */
function touch<A extends Account>(account: A, now: Date): A {
  return { ...account, version: account.version + 1, updatedAt: now };
}

export const auditEntry = (
  action: AuditAction,
  account: Account | null,
  now: Date,
  ctx: RequestContext,
  detail: AuditEntry['detail'] = {},
): AuditEntry => ({ action, accountId: account?.id ?? null, at: now, ip: ctx.ip, detail });

export const audit = (...args: Parameters<typeof auditEntry>): Effect => ({
  type: 'audit',
  entry: auditEntry(...args),
});

/** The challenge currently open on an account, if any. */
export function openChallenge(account: Account): Challenge | null {
  switch (account.status) {
    case 'legacy':
      return null;
    case 'pending_renewal':
      return account.challenge;
    case 'migrated':
      return account.recovery;
    default:
      return assertNever(account);
  }
}

/** Sends in the last hour, pruned. */
const sendsInLastHour = (account: Account, now: Date): Date[] =>
  account.recentSends.filter((t) => now.getTime() - t.getTime() < 3_600_000);

/**
 * When a new code may be emailed to this account, or null if now is fine. Combines
 * the cooldown since the last send and the hourly cap.
 */
export function nextSendAllowedAt(account: Account, now: Date, p: Policies): Date | null {
  const recent = sendsInLastHour(account, now);
  const candidates: Date[] = [];
  const challenge = openChallenge(account);
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

/** When a blocked account's wrong-code window ends, or null if codes may be tried. */
export function wrongCodeBlockUntil(account: Account, now: Date, p: Policies): Date | null {
  if (!account.wrongCodesSince) return null;
  const end = addSeconds(account.wrongCodesSince, p.wrongCodeWindowSeconds);
  if (end <= now) return null;
  return account.wrongCodes >= p.maxWrongCodesPerAccount ? end : null;
}

/** When the next password attempt is allowed, or null if now is fine. */
export function loginBlockedUntil(
  account: Account,
  now: Date,
  p: Policies,
): Date | null | 'locked' {
  if (account.failedLogins >= p.loginFailureCap) return 'locked';
  const over = account.failedLogins - p.loginFailuresBeforeBackoff;
  if (over < 0 || !account.lastFailedLoginAt) return null;
  const delay = Math.min(p.loginBackoffBaseSeconds * 2 ** over, p.loginBackoffMaxSeconds);
  const until = addSeconds(account.lastFailedLoginAt, delay);
  return until > now ? until : null;
}

/** A wrong password: counted, persisted. */
export function recordFailedLogin<A extends Account>(
  account: A,
  now: Date,
  ctx: RequestContext,
): Transition<A> {
  const next = touch(
    { ...account, failedLogins: account.failedLogins + 1, lastFailedLoginAt: now },
    now,
  );
  return {
    account: next,
    effects: [audit('login_failed', account, now, ctx, { consecutive: next.failedLogins })],
  };
}

const newChallenge = (issued: IssuedCode, now: Date, p: Policies): Challenge => ({
  codeHash: issued.codeHash,
  flowTokenHash: issued.flowTokenHash,
  issuedAt: now,
  expiresAt: addSeconds(now, p.codeLifetimeSeconds),
  attempts: 0,
  sends: 1,
  lastSentAt: now,
});

function codeEmail(
  template: 'renewal_code' | 'recovery_code',
  account: Account,
  to: string,
  issued: IssuedCode,
  challenge: Challenge,
  ctx: RequestContext,
): EmailMessage {
  return {
    template,
    to,
    locale: 'es-MX',
    data: {
      customerNumber: account.customerNumber,
      expiresAt: challenge.expiresAt,
      requestedAt: challenge.issuedAt,
      requestIp: ctx.ip,
    },
    secret: { code: issued.code },
  };
}

/**
 * Starts (or restarts with a new code) a renewal on a legacy or pending account and
 * emails the code to `to` (the registered email, already validated by the caller).
 * The caller checks send limits first (`nextSendAllowedAt`).
 */
export function startRenewal(
  account: LegacyAccount | PendingRenewal,
  to: string,
  origin: 'login' | 'recovery',
  issued: IssuedCode,
  now: Date,
  ctx: RequestContext,
  p: Policies,
): Transition<PendingRenewal> {
  const challenge = newChallenge(issued, now, p);
  const success = origin === 'login';
  const next: PendingRenewal = touch(
    {
      ...account,
      status: 'pending_renewal',
      origin,
      challenge:
        account.status === 'pending_renewal'
          ? { ...challenge, sends: account.challenge.sends + 1 }
          : challenge,
      recentSends: [...sendsInLastHour(account, now), now],
      failedLogins: success ? 0 : account.failedLogins,
      lastFailedLoginAt: success ? null : account.lastFailedLoginAt,
    },
    now,
  );
  return {
    account: next,
    effects: [
      { type: 'email', email: codeEmail('renewal_code', account, to, issued, challenge, ctx) },
      audit(account.status === 'legacy' ? 'renewal_started' : 'code_sent', account, now, ctx, {
        origin,
      }),
    ],
  };
}

/**
 * A second request (a new browser, or a double submission) while the last code is
 * still fresh: the new client takes over the flow, which becomes of the new request's
 * origin, and no new email is sent. Only a sign-in (the legacy password proven) clears
 * the failed-login counter; a recovery request proves nothing.
 */
export function rebindChallenge<A extends PendingRenewal | MigratedAccount>(
  account: A,
  origin: 'login' | 'recovery',
  flowTokenHash: string,
  now: Date,
): Transition<A> {
  const next =
    account.status === 'pending_renewal'
      ? {
          ...account,
          origin,
          challenge: { ...account.challenge, flowTokenHash },
          ...(origin === 'login' && { failedLogins: 0, lastFailedLoginAt: null }),
        }
      : { ...account, recovery: account.recovery && { ...account.recovery, flowTokenHash } };
  return { account: touch(next as A, now), effects: [] };
}

/** Starts (or restarts) a password recovery on a migrated account. */
export function startRecovery(
  account: MigratedAccount,
  issued: IssuedCode,
  now: Date,
  ctx: RequestContext,
  p: Policies,
): Transition<MigratedAccount> {
  const challenge = newChallenge(issued, now, p);
  const next: MigratedAccount = touch(
    {
      ...account,
      recovery: account.recovery ? { ...challenge, sends: account.recovery.sends + 1 } : challenge,
      recentSends: [...sendsInLastHour(account, now), now],
    },
    now,
  );
  return {
    account: next,
    effects: [
      {
        type: 'email',
        email: codeEmail('recovery_code', account, account.loginEmail, issued, challenge, ctx),
      },
      audit('recovery_requested', account, now, ctx),
    ],
  };
}

/**
 * Checks a code against an account's open challenge. A wrong code is a state change
 * (attempt counters go up) that must be persisted; the error comes with it.
 */
export function checkCode<A extends PendingRenewal | MigratedAccount>(
  account: A,
  challenge: Challenge,
  codeMatches: boolean,
  now: Date,
  ctx: RequestContext,
  p: Policies,
): Result<void, { error: DomainError; transition: Transition<A> | null }> {
  const blockedUntil = wrongCodeBlockUntil(account, now, p);
  if (blockedUntil)
    return Err({ error: { code: 'throttled', retryAt: blockedUntil }, transition: null });
  if (challenge.attempts >= p.maxAttemptsPerCode)
    return Err({ error: { code: 'code_exhausted' }, transition: null });
  if (now >= challenge.expiresAt) return Err({ error: { code: 'code_expired' }, transition: null });
  if (codeMatches) return Ok(undefined);

  const windowOpen =
    account.wrongCodesSince !== null &&
    now.getTime() - account.wrongCodesSince.getTime() < p.wrongCodeWindowSeconds * 1000;
  const attempts = challenge.attempts + 1;
  const updatedChallenge = { ...challenge, attempts };
  const next = touch(
    {
      ...account,
      wrongCodes: windowOpen ? account.wrongCodes + 1 : 1,
      wrongCodesSince: windowOpen ? account.wrongCodesSince : now,
      ...(account.status === 'pending_renewal'
        ? { challenge: updatedChallenge }
        : { recovery: updatedChallenge }),
    },
    now,
  );
  const attemptsLeft = Math.max(0, p.maxAttemptsPerCode - attempts);
  return Err({
    error: attemptsLeft === 0 ? { code: 'code_exhausted' } : { code: 'code_invalid', attemptsLeft },
    transition: { account: next, effects: [audit('code_failed', account, now, ctx, { attempts })] },
  });
}

/**
 * The right code and an acceptable new password: the account becomes migrated, its
 * login is the registered email, the legacy hash is gone.
 */
export function completeMigration(
  account: PendingRenewal,
  loginEmail: string,
  passwordHash: string,
  now: Date,
  ctx: RequestContext,
): Transition<MigratedAccount> {
  const { legacyPasswordHash: _legacy, challenge: _challenge, origin, ...rest } = account;
  const next: MigratedAccount = touch(
    {
      ...rest,
      status: 'migrated',
      loginEmail,
      passwordHash,
      migratedAt: now,
      passwordChangedAt: now,
      recovery: null,
      failedLogins: 0,
      lastFailedLoginAt: null,
    },
    now,
  );
  const email: EmailMessage = {
    template: 'renewal_completed',
    to: loginEmail,
    locale: 'es-MX',
    data: {
      customerNumber: account.customerNumber,
      loginEmail,
      requestedAt: now,
      requestIp: ctx.ip,
    },
  };
  return {
    account: next,
    effects: [{ type: 'email', email }, audit('renewal_completed', account, now, ctx, { origin })],
  };
}

/** The right recovery code and an acceptable new password on a migrated account. */
export function completePasswordChange(
  account: MigratedAccount,
  passwordHash: string,
  now: Date,
  ctx: RequestContext,
): Transition<MigratedAccount> {
  const next: MigratedAccount = touch(
    {
      ...account,
      passwordHash,
      passwordChangedAt: now,
      recovery: null,
      failedLogins: 0,
      lastFailedLoginAt: null,
    },
    now,
  );
  const email: EmailMessage = {
    template: 'password_changed',
    to: account.loginEmail,
    locale: 'es-MX',
    data: { customerNumber: account.customerNumber, requestedAt: now, requestIp: ctx.ip },
  };
  return {
    account: next,
    effects: [{ type: 'email', email }, audit('recovery_completed', account, now, ctx)],
  };
}

/** A successful password sign-in: failure counter reset, hash upgraded if asked. */
export function recordSignIn(
  account: MigratedAccount,
  rehashed: string | null,
  now: Date,
  ctx: RequestContext,
): Transition<MigratedAccount> {
  return {
    account: touch(
      {
        ...account,
        failedLogins: 0,
        lastFailedLoginAt: null,
        passwordHash: rehashed ?? account.passwordHash,
      },
      now,
    ),
    effects: [audit('login_succeeded', account, now, ctx)],
  };
}

/**
 * Support corrects the email on record of an account not yet migrated. A pending
 * renewal is cancelled (its code went to the old address).
 */
export function setEmail(
  account: LegacyAccount | PendingRenewal,
  email: string,
  now: Date,
  actor: string,
): Transition<LegacyAccount> {
  const { challenge: _c, origin: _o, ...rest } = account as PendingRenewal;
  const next: LegacyAccount = touch({ ...rest, status: 'legacy', registeredEmail: email }, now);
  return {
    account: next,
    effects: [
      audit(
        'email_set',
        account,
        now,
        { ip: null, userAgent: null },
        { actor, previous: account.registeredEmail },
      ),
    ],
  };
}
