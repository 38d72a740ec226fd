import {
  audit,
  type LegacyAccount,
  type Login,
  type MigratedAccount,
  NO_REQUEST,
  type PendingRenewal,
  type Transition,
  touch,
} from './account.js';
import { type IssuedCode, newChallenge } from './challenge.js';
import type { EmailMessage, RequestContext } from './effects.js';
import type { Policies } from './policies.js';
import { clearFailedLogins, noThrottle, sendsInLastHour } from './throttle.js';

/** The code email of a renewal (to a customer account) or a recovery (to a login). */
export function codeEmail(
  template: 'renewal_code' | 'recovery_code',
  to: string,
  customerNumbers: readonly string[],
  issued: IssuedCode,
  expiresAt: Date,
  now: Date,
  ctx: RequestContext,
): EmailMessage {
  return {
    template,
    to,
    locale: 'es-MX',
    data: { customerNumbers: [...customerNumbers], expiresAt, requestedAt: now, requestIp: ctx.ip },
    secret: { code: issued.code },
  };
}

/**
 * Starts (or restarts with a new code) a renewal on a legacy or pending account and
 * emails the code to `to` (the registered email, already validated by the caller).
 * The caller checks send limits first (`nextSendAllowedAt`). A sign-in (`login`: the
 * legacy password proven) clears the failed-login counter; a recovery request does not.
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
  const previous = account.status === 'pending_renewal' ? account.challenge : null;
  const challenge = newChallenge(issued, previous, now, p);
  const base = origin === 'login' ? clearFailedLogins(account) : account;
  const next: PendingRenewal = touch(
    {
      ...base,
      status: 'pending_renewal',
      origin,
      challenge,
      recentSends: [...sendsInLastHour(account, now), now],
    },
    now,
  );
  const email = codeEmail(
    'renewal_code',
    to,
    [account.customerNumber],
    issued,
    challenge.expiresAt,
    now,
    ctx,
  );
  return {
    account: next,
    effects: [
      { type: 'email', email },
      audit(account.status === 'legacy' ? 'renewal_started' : 'code_sent', account, now, ctx, {
        origin,
      }),
    ],
  };
}

/**
 * A second request while the last renewal code is fresh (see `rebindChallenge`) also
 * takes the new request's origin; only a sign-in clears the failed-login counter.
 */
export function reoriginRenewal(
  account: PendingRenewal,
  origin: 'login' | 'recovery',
): PendingRenewal {
  const next = { ...account, origin };
  return origin === 'login' ? clearFailedLogins(next) : next;
}

/** A renewal's completion: the customer number migrated into a new or existing login. */
export interface Migration {
  account: MigratedAccount;
  /** The login after the change, its `customerNumbers` including this account's. */
  login: Login;
  /** True when the login existed before: its password changed and its sessions end. */
  joined: boolean;
  effects: Transition<unknown>['effects'];
}

/**
 * The right code and an acceptable new password: the customer number is migrated, the
 * legacy hash is gone. When `existing` (the login of the registered email) is there, the
 * code proved control of that inbox, as a recovery does: the new password becomes the
 * login's and the customer number joins it. Otherwise a login is created with `newLoginId`.
 */
export function completeMigration(
  account: PendingRenewal,
  target: { existing: Login } | { newLoginId: string; email: string },
  passwordHash: string,
  now: Date,
  ctx: RequestContext,
): Migration {
  const joined = 'existing' in target;
  const before: Login = joined
    ? target.existing
    : {
        id: target.newLoginId,
        email: target.email,
        passwordHash,
        passwordChangedAt: now,
        recovery: null,
        customerNumbers: [],
        version: 0,
        createdAt: now,
        updatedAt: now,
        ...noThrottle(),
      };
  const customerNumbers = [...new Set([...before.customerNumbers, account.customerNumber])].sort();
  const login: Login = touch(
    clearFailedLogins({
      ...before,
      passwordHash,
      passwordChangedAt: now,
      recovery: null,
      customerNumbers,
    }),
    now,
  );
  // built from the account's own fields: its legacy hash, code and counters stay behind
  const migrated: MigratedAccount = touch(
    {
      id: account.id,
      customerNumber: account.customerNumber,
      legacyUsername: account.legacyUsername,
      registeredEmail: account.registeredEmail,
      version: account.version,
      createdAt: account.createdAt,
      updatedAt: account.updatedAt,
      status: 'migrated',
      loginId: login.id,
      migratedAt: now,
    },
    now,
  );
  const email: EmailMessage = {
    template: 'renewal_completed',
    to: login.email,
    locale: 'es-MX',
    data: {
      customerNumbers,
      loginEmail: login.email,
      passwordChanged: joined,
      requestedAt: now,
      requestIp: ctx.ip,
    },
  };
  return {
    account: migrated,
    login,
    joined,
    effects: [
      { type: 'email', email },
      audit('renewal_completed', migrated, now, ctx, { origin: account.origin, joined }),
    ],
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
  const {
    challenge: _c,
    origin: _o,
    ...rest
  } = account.status === 'pending_renewal'
    ? account
    : { ...account, challenge: null, origin: null };
  const next: LegacyAccount = touch({ ...rest, status: 'legacy', registeredEmail: email }, now);
  return {
    account: next,
    effects: [
      audit('email_set', account, now, NO_REQUEST, { actor, previous: account.registeredEmail }),
    ],
  };
}
