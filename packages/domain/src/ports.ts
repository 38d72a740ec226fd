import type { Account, AccountStatus, Login, PendingRenewal } from './account.js';
import type { AuditAction, AuditEntry, Effect, EmailMessage } from './effects.js';
import type { ImportedLines, LineDigest } from './imported-lines.js';
import type { Result } from './result.js';

/**
 * Why a save did not happen: someone else wrote first (a stored version is not the
 * expected one, or a new login's email was taken meanwhile). Nothing was written; the
 * caller reads again and decides again.
 */
export type SaveError = { code: 'conflict' };

/** A value to write and the version it must still have (`null`: it must not exist yet). */
export interface VersionedWrite<T> {
  next: T;
  expectedVersion: number | null;
}

/** What one `save` writes, all or nothing. */
export interface Changes {
  account?: VersionedWrite<Account> & { expectedVersion: number };
  /** A new login (`expectedVersion: null`) must have an email no other login has, in any case. */
  login?: VersionedWrite<Login>;
  /** Emails into the outbox, entries into the audit log. */
  effects: Effect[];
}

/** A code flow found by its flow token: a renewal on an account, or a recovery on a login. */
export type Flow =
  | { holder: 'account'; account: PendingRenewal }
  | { holder: 'login'; login: Login };

/**
 * Customer accounts and logins, with their outbox and audit rows. Lookups are
 * case-insensitive where the identity is (usernames, emails). `null` means none.
 */
export interface AccountRepository {
  findById(id: string): Promise<Account | null>;
  findByLegacyUsername(username: string): Promise<Account | null>;
  findByCustomerNumber(customerNumber: string): Promise<Account | null>;
  /** Customer accounts (any status) whose registered email is this one, any case. */
  findByRegisteredEmail(email: string): Promise<Account[]>;
  findLogin(id: string): Promise<Login | null>;
  findLoginByEmail(email: string): Promise<Login | null>;
  /** The open challenge (renewal or recovery) whose flow-token hash this is. */
  findByFlowTokenHash(flowTokenHash: string): Promise<Flow | null>;
  /**
   * Writes the account and/or the login if their versions are still the expected ones,
   * with the effects, in one transaction: all of it or nothing.
   */
  save(changes: Changes): Promise<Result<void, SaveError>>;
  /**
   * Bulk upsert of validated legacy rows (keyed by customer number), set-based.
   * Never touches migrated or pending accounts; rejects duplicates (within the batch
   * stream or against the store) with a reason. With `dryRun`, nothing is written.
   */
  importLegacy(
    rows: AsyncIterable<LegacyImportRow | readonly LegacyImportRow[]>,
    options: {
      dryRun: boolean;
      now: Date;
      /**
       * Lines of the file left out of `rows` because they are byte for byte the lines
       * that made their accounts (ADR 0012): the repository counts each as an unchanged
       * row at its line, as if it were in `rows` (duplicates, email counts included).
       */
      kept?: ImportedLines;
    },
  ): Promise<ImportOutcome>;
  /**
   * The digests (`LegacyImportRow.digest`) of the lines that made the legacy accounts as
   * they stand: hi, lo pairs. An account changed since by anything but an import has
   * none. Optional: without it, every line of an import is validated and merged.
   */
  importedLineDigests?(): Promise<Uint32Array>;
  /** How many accounts are in each status, and how many logins there are. */
  countByStatus(): Promise<Record<AccountStatus | 'logins', number>>;
  /**
   * Up to `limit` accounts not yet renewed whose legacy hash is weak (`isWeakLegacyHash`),
   * in id order after `afterId` (`null`: from the start). Empty when there are no more.
   */
  findWeakLegacyHashes(limit: number, afterId: string | null): Promise<WeakLegacyHash[]>;
  /**
   * Up to `limit` accounts not yet renewed, each with its legacy hash whatever the scheme,
   * in id order after `afterId` (`null`: from the start). Empty when there are no more.
   */
  findLegacyHashes(limit: number, afterId: string | null): Promise<LegacyHash[]>;
  /**
   * Replaces an account's legacy hash only if it is still `expected` and the account is
   * not renewed; bumps the version so a writer holding the old value conflicts instead
   * of writing it back. False (nothing written) when it changed meanwhile.
   */
  replaceLegacyHash(accountId: string, expected: string, next: string, now: Date): Promise<boolean>;
  /** How many accounts not yet renewed still hold a weak legacy hash. */
  countWeakLegacyHashes(): Promise<number>;
  /**
   * The failed sign-ins of an identifier that names no account and no login, by its
   * keyed hash (`null`: none yet). Unknown identifiers back off like known ones.
   */
  findUnknownIdentifier(key: string): Promise<UnknownIdentifier | null>;
  /** Counts one more failed sign-in of that unknown identifier, with its audit entry, in one write. */
  recordUnknownIdentifierFailure(key: string, now: Date, entry: AuditEntry): Promise<void>;
}

/**
 * The sign-in counters of an identifier nobody holds, so that its back-off (401 x5,
 * then 429) reads exactly like a real account's. Only a keyed hash names it.
 */
export interface UnknownIdentifier {
  key: string;
  failedLogins: number;
  lastFailedLoginAt: Date | null;
}

/** A legacy hash as it is stored, with the account that holds it. */
export interface LegacyHash {
  accountId: string;
  hash: string;
}

/** A weak legacy hash (`isWeakLegacyHash`) as it is stored, with the account that holds it. */
export type WeakLegacyHash = LegacyHash;

/** A row of the import file after validation. */
export interface LegacyImportRow {
  line: number;
  customerNumber: string;
  username: string;
  /**
   * The email: normalised as `parseEmail` gives it (lower-case ASCII, its own key) when
   * `emailValid`; else as in the file (trimmed); null when empty.
   */
  email: string | null;
  /** Whether the file's email parses as an address. */
  emailValid: boolean;
  passwordHash: string;
  /**
   * The line's digest, stored with the account so that a re-import can keep the same
   * line without validating it (`ImportedLines`); its last two bits are the email's
   * class (`withEmailClass`). Absent: the account is stored without one.
   */
  digest?: LineDigest;
}

/** An import row left out, with its line in the file and why (in English, for the operator). */
export interface RejectedRow {
  line: number;
  reason: string;
}

/** What an import did (or, dry, would do), row by row. */
export interface ImportOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows whose account is already pending or migrated: left as they are. */
  skipped: number;
  rejected: RejectedRow[];
  /** Among inserted+updated+unchanged rows. */
  emailMissing: number;
  emailInvalid: number;
  /**
   * Rows whose email is also another customer number's (in the file or the store):
   * those customer numbers will share one login. Not a problem, a fact to know.
   */
  emailShared: number;
}

/** A signed-in login, stored by the hash of its token. */
export interface Session {
  /** Hash of the token: the token itself is never stored. */
  idHash: string;
  loginId: string;
  /** The customer number the customer is working on: one of the login's. */
  customerNumber: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute end, whatever the activity. */
  expiresAt: Date;
}

/** Sessions of logins. Expiry is decided by `validateSession`, not by the store. */
export interface SessionStore {
  /** Stores a new session, and `audit` entries with it in the same write (one round trip). */
  create(session: Session, audit?: AuditEntry[]): Promise<void>;
  /** `null` when there is no such session (expired ones may still be returned). */
  get(idHash: string): Promise<Session | null>;
  touch(idHash: string, lastSeenAt: Date): Promise<void>;
  /** Switches the session to another of its login's customer numbers. */
  selectCustomerNumber(idHash: string, customerNumber: string): Promise<void>;
  /** Idempotent. */
  delete(idHash: string): Promise<void>;
  /** Ends every session of a login (on password change). Idempotent. */
  deleteAllForLogin(loginId: string): Promise<void>;
}

/** The hasher is saturated: try again shortly. */
export type HasherBusy = { code: 'busy'; retryAfterSeconds: number };

/** New-password hashing (argon2id in production). */
export interface PasswordHasher {
  hash(password: string): Promise<Result<string, HasherBusy>>;
  /** False for a wrong password and for a malformed hash. */
  verify(hash: string, password: string): Promise<Result<boolean, HasherBusy>>;
  /** True when the hash was made with weaker parameters than the current ones. */
  needsRehash(hash: string): boolean;
  /** A valid hash of a random password, verified against when the identifier is unknown. */
  readonly dummyHash: string;
  /**
   * True when a check asked now would be refused as busy (the bounded queue is full):
   * lets a sign-in refuse before any store work. Absent: never known in advance.
   */
  saturated?(): boolean;
}

/** Verifies the scheme-tagged hashes imported from the legacy portal (DESIGN section 8). */
export interface LegacyPasswordVerifier {
  /** Whether this stored hash names a supported scheme and is well formed. */
  recognizes(storedHash: string): boolean;
  /** False for a wrong password and for a malformed hash; constant-time compare. */
  verify(storedHash: string, password: string): Promise<Result<boolean, HasherBusy>>;
  /**
   * Whether `verify` answers this hash at once, without the hasher's queue: a fast digest
   * (MD5, SHA, LDAP `{SHA}`…), plain text, or a hash it does not recognise. A sign-in
   * then pays the dummy slow check beside it, so that under load it waits in the queue
   * like every other identifier (ADR 0014).
   */
  checkedAtOnce(storedHash: string): boolean;
  /**
   * A weak hash (`isWeakLegacyHash`) wrapped at rest: a slow hash over it that verifies
   * the same passwords. `null` when the stored hash is not weak (nothing to wrap).
   */
  wrap(storedHash: string): Promise<Result<string | null, HasherBusy>>;
}

/** The "too common" verdict (zxcvbn-ts in production). */
export interface PasswordStrength {
  /** `userInputs` are words of the account that must not make the password easier. */
  check(
    password: string,
    userInputs: string[],
  ): { acceptable: true } | { acceptable: false; feedback: string | null };
}

/** The current time: the domain never reads the system clock itself. */
export interface Clock {
  now(): Date;
}

/** Randomness and keyed hashing, so the domain never touches either. */
export interface Secrets {
  /** A uniformly random string of `digits` decimal digits (CSPRNG). */
  code(digits: number): string;
  /** A 256-bit random token, URL-safe. */
  token(): string;
  /** A random UUID, for new logins. */
  uuid(): string;
  /** Keyed hash (HMAC-SHA256 under the server secret) of a code or token. */
  mac(value: string): string;
  /** Constant-time check that `mac(value) === expectedHash`. */
  matches(value: string, expectedHash: string): boolean;
}

/** A claimed outbox message, with its secrets, ready for the `Mailer`. */
export interface OutboxMessage {
  id: string;
  email: EmailMessage;
  attempts: number;
}

/** An outbox message as support lists it: no content, no secret. */
export interface OutboxEntry {
  id: string;
  template: EmailMessage['template'];
  to: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** The provider's id of a sent message (Postmark's `MessageID`); null when it gave none. */
  providerId: string | null;
}

/** Emails waiting for delivery (written by `AccountRepository.save`). */
export interface Outbox {
  /**
   * Leases up to `limit` due messages until `leaseUntil`, so that concurrent
   * dispatchers never get the same message. Secrets come back decrypted.
   */
  claim(now: Date, leaseUntil: Date, limit: number): Promise<OutboxMessage[]>;
  /**
   * Delivered: secrets are erased. `providerId` (the provider's message id, null when
   * it gave none) is kept, so its later bounce or complaint can be told apart.
   */
  markSent(id: string, at: Date, providerId: string | null): Promise<void>;
  /** Transient failure: tried again at `nextAttemptAt`. */
  markRetry(id: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** Permanent failure (or out of attempts): never tried again; secrets erased. */
  markDead(id: string, error: string, at: Date): Promise<void>;
  list(filter: { status?: OutboxEntry['status']; limit: number }): Promise<OutboxEntry[]>;
  /**
   * Dead messages back to pending, due now. Code emails whose secret was erased are
   * left dead (the customer asks for a new code). Returns how many were revived.
   */
  retry(target: { id: string } | { allDead: true }, now: Date): Promise<number>;
  countByStatus(): Promise<Record<OutboxEntry['status'], number>>;
}

/** What a `Mailer` reports for one email. */
export type DeliveryResult =
  | { status: 'sent'; providerId: string | null }
  /** 5xx, timeouts, 429: try again later. */
  | { status: 'transient'; reason: string }
  /** Inactive recipient, invalid address...: never try again. */
  | { status: 'permanent'; reason: string };

/** Renders and sends emails (Postmark, a console, ...). */
export interface Mailer {
  /** Renders and sends; never throws for delivery failures, returns them. */
  send(email: EmailMessage): Promise<DeliveryResult>;
}

/** The audit trail. Entries of a state change are written by `AccountRepository.save`. */
export interface AuditLog {
  /** For events with no account state to save (e.g. a failed sign-in of an unknown user). */
  append(entries: AuditEntry[]): Promise<void>;
  /** Counts per action since a time (null: all time). */
  countByAction(since: Date | null): Promise<Partial<Record<AuditAction, number>>>;
  /**
   * One page of entries, oldest first (in the order they were written), after the entry
   * `after` (`null`: from the start): keyset pagination on the id, so a caller streams
   * the whole trail a page at a time.
   */
  list(
    filter: AuditFilter,
    page: { after: string | null; limit: number },
  ): Promise<StoredAuditEntry[]>;
}

/** An audit entry as stored, with the id that orders it. */
export interface StoredAuditEntry extends AuditEntry {
  id: string;
}

/**
 * Which entries to list. `accountIds` and `loginIds` both absent: every entry. Otherwise
 * the entries about one of those customer accounts, or about one of those logins as a
 * whole (no account: sign-ins, recoveries, a login's unlock).
 */
export interface AuditFilter {
  /** Entries at or after this time (`null`: all time). */
  since: Date | null;
  accountIds?: string[];
  loginIds?: string[];
}

/**
 * What a provider reported after delivery: a hard bounce, a soft bounce, or a spam
 * complaint about a message to `email`.
 */
export interface DeliveryEvent {
  /** Stable key of the report, so a repeated webhook is recorded once. */
  id: string;
  kind: 'hard_bounce' | 'soft_bounce' | 'spam_complaint';
  email: string;
  /** The provider's id of the message concerned (Postmark's `MessageID`), if given. */
  providerMessageId: string | null;
  /** The provider's own name for it (Postmark's `Type`), for support. */
  detail: string;
  /** When the provider says it happened. */
  at: Date;
}

/** An address no code goes to: a hard bounce or complaint not cleared by support since. */
export interface UndeliverableEmail {
  email: string;
  kind: 'hard_bounce' | 'spam_complaint';
  detail: string;
  at: Date;
}

/** Bounces and complaints reported by the mail provider. */
export interface DeliveryEvents {
  /** Records an event once: `false` when its `id` was recorded before (nothing changes). */
  record(event: DeliveryEvent, recordedAt: Date): Promise<boolean>;
  /**
   * The newest hard bounce or complaint of this address (any case) not cleared since;
   * `null`: as far as the provider said, it is deliverable. Soft bounces never count.
   */
  undeliverable(email: string): Promise<UndeliverableEmail | null>;
  /** Support vouches for the address again: its hard bounces and complaints are cleared. Idempotent. */
  clear(email: string, at: Date): Promise<void>;
  /** Events recorded per kind (all time), and how many addresses are undeliverable now. */
  counts(): Promise<Record<DeliveryEvent['kind'] | 'undeliverable', number>>;
}

/** What `AccountRepository.save` answers: written, or `conflict` and nothing written. */
export type SaveResult = Result<void, SaveError>;
