import type { Challenge } from './challenge.js';
import type { AuditAction, AuditEntry, Effect, RequestContext } from './effects.js';
import type { Throttle } from './throttle.js';

/** What every stored value carries: an identity and a version for optimistic concurrency. */
export interface Versioned {
  id: string;
  /** Bumped by every transition, checked by every save. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

interface AccountBase extends Versioned {
  customerNumber: string;
  /** Original spelling; identity is case-insensitive. */
  legacyUsername: string;
  /** As on record; may be null or not a valid address (support fixes it). */
  registeredEmail: string | null;
}

/**
 * A customer number not yet renewed: it signs in with its legacy username and password.
 * Its own counters throttle those sign-ins and the renewal codes.
 */
export interface LegacyAccount extends AccountBase, Throttle {
  status: 'legacy';
  /** Scheme-tagged legacy hash (DESIGN section 8). */
  legacyPasswordHash: string;
}

/**
 * Legacy schemes that a leaked backup gives away at once (fast unsalted digests, clear
 * text): they are wrapped at rest until the customer renews (ADR 0009).
 */
export const WEAK_LEGACY_SCHEMES = ['md5', 'sha1', 'sha256', 'plain'] as const;

/**
 * How a weak stored hash begins: a scheme of `WEAK_LEGACY_SCHEMES` and `:`, or an unsalted
 * LDAP digest (`{MD5}`, `{SHA}`, in any case: the same digests in base64). One pattern for
 * JavaScript and for PostgreSQL's `~`, so that a store can select them itself.
 */
export const WEAK_LEGACY_HASH_PATTERN = `^((${WEAK_LEGACY_SCHEMES.join('|')}):|\\{([Mm][Dd]5|[Ss][Hh][Aa])\\})`;
const WEAK_LEGACY_HASH = new RegExp(WEAK_LEGACY_HASH_PATTERN);

/** Whether a stored legacy hash uses a weak scheme (`md5:…`, `sha1:…`, `sha256:…`, `plain:…`, `{SHA}…`, `{MD5}…`). */
export const isWeakLegacyHash = (hash: string): boolean => WEAK_LEGACY_HASH.test(hash);

/** A renewal under way: a code went to the registered email. */
export interface PendingRenewal extends AccountBase, Throttle {
  status: 'pending_renewal';
  legacyPasswordHash: string;
  /** `login`: the legacy password was proven; `recovery`: only an identifier was given. */
  origin: 'login' | 'recovery';
  challenge: Challenge;
}

/**
 * A renewed customer number. It belongs to exactly one login and holds no password of
 * its own: the legacy hash is gone, the login's argon2id hash is the only one.
 */
export interface MigratedAccount extends AccountBase {
  status: 'migrated';
  loginId: string;
  migratedAt: Date;
}

/** A customer account: the state machine `legacy -> pending_renewal -> migrated`. */
export type Account = LegacyAccount | PendingRenewal | MigratedAccount;
/** `legacy`, `pending_renewal` or `migrated`: the discriminant of `Account`. */
export type AccountStatus = Account['status'];

/**
 * An email login: one password for one or more customer numbers. Created by the first
 * renewal of a customer number registered under this email; every later one joins it.
 */
export interface Login extends Versioned, Throttle {
  /** Normalised (trimmed, lower case); unique among logins. */
  email: string;
  /** argon2id PHC string. */
  passwordHash: string;
  passwordChangedAt: Date;
  /** Set while a password recovery is under way. */
  recovery: Challenge | null;
  /**
   * The customer numbers this login opens, sorted; never empty. Read-only: membership
   * is stored by saving a `MigratedAccount` with this login's id.
   */
  customerNumbers: readonly string[];
}

/** The result of a transition: the next value(s) and what should happen (plain data). */
export interface Transition<A> {
  account: A;
  effects: Effect[];
}

export const addSeconds = (date: Date, seconds: number): Date =>
  new Date(date.getTime() + seconds * 1000);

/** Every transition bumps the version and the update time. */
export function touch<V extends Versioned>(value: V, now: Date): V {
  return { ...value, version: value.version + 1, updatedAt: now };
}

/** Logins are the values without a `status`. */
export const isLogin = (value: Account | Login): value is Login => !('status' in value);

/**
 * Whatever holds a password and its sign-in counters: a customer account until it is
 * renewed (its legacy password), then its login.
 */
export type PasswordHolder = LegacyAccount | PendingRenewal | Login;

/** The login a value is about: a login itself, or the login of a migrated account. */
const loginIdOf = (subject: Account | Login): string | null =>
  isLogin(subject) ? subject.id : subject.status === 'migrated' ? subject.loginId : null;

/** The context of what no request asked for: an operator's command, an import, a batch. */
export const NO_REQUEST: RequestContext = { ip: null, userAgent: null };

/** An audit entry about a customer account, a login, or nobody (an unknown identifier). */
export const auditEntry = (
  action: AuditAction,
  subject: Account | Login | null,
  now: Date,
  ctx: RequestContext,
  detail: AuditEntry['detail'] = {},
): AuditEntry => ({
  action,
  accountId: subject && !isLogin(subject) ? subject.id : null,
  loginId: subject && loginIdOf(subject),
  at: now,
  ip: ctx.ip,
  detail,
});

export const audit = (...args: Parameters<typeof auditEntry>): Effect => ({
  type: 'audit',
  entry: auditEntry(...args),
});
