import type {
  Account,
  Challenge,
  EmailMessage,
  Login,
  OutboxEntry,
  Session,
  Throttle,
} from '@renueva/domain';
import { z } from 'zod';

// pg returns bigint/count as strings and PGlite as numbers; timestamps as Date on both.
const int = z.coerce.number().int();
const date = z.coerce.date();
const nullableDate = date.nullable();

const challengeColumns = {
  code_hash: z.string().nullable(),
  flow_token_hash: z.string().nullable(),
  code_issued_at: nullableDate,
  code_expires_at: nullableDate,
  code_attempts: int.nullable(),
  code_sends: int.nullable(),
  code_last_sent_at: nullableDate,
};
const throttleColumns = {
  failed_logins: int,
  last_failed_login_at: nullableDate,
  wrong_codes_at: z.array(date),
  anonymous_wrong_codes_at: z.array(date),
  recent_sends: z.array(date),
};
const versionColumns = { version: int, created_at: date, updated_at: date };

export const accountRow = z.object({
  id: z.string(),
  customer_number: z.string(),
  legacy_username: z.string(),
  registered_email: z.string().nullable(),
  status: z.enum(['legacy', 'pending_renewal', 'migrated']),
  legacy_password_hash: z.string().nullable(),
  login_id: z.string().nullable(),
  migrated_at: nullableDate,
  origin: z.enum(['login', 'recovery']).nullable(),
  ...challengeColumns,
  ...throttleColumns,
  ...versionColumns,
});
type AccountRow = z.infer<typeof accountRow>;

export const loginRow = z.object({
  id: z.string(),
  email: z.string(),
  password_hash: z.string(),
  password_changed_at: date,
  ...challengeColumns,
  ...throttleColumns,
  ...versionColumns,
});
type LoginRow = z.infer<typeof loginRow>;

/** The columns of `accounts`, in the order `accountValues` produces them. */
export const ACCOUNT_COLUMNS = Object.keys(accountRow.shape) as (keyof AccountRow)[];
/** The columns of `logins`, in the order `loginValues` produces them. */
export const LOGIN_COLUMNS = Object.keys(loginRow.shape) as (keyof LoginRow)[];

type ChallengeRow = { [K in keyof typeof challengeColumns]: z.infer<(typeof challengeColumns)[K]> };
type ThrottleRow = { [K in keyof typeof throttleColumns]: z.infer<(typeof throttleColumns)[K]> };

function challengeOf(r: ChallengeRow): Challenge | null {
  if (!r.code_hash || !r.flow_token_hash) return null;
  return {
    codeHash: r.code_hash,
    flowTokenHash: r.flow_token_hash,
    issuedAt: r.code_issued_at as Date,
    expiresAt: r.code_expires_at as Date,
    attempts: r.code_attempts ?? 0,
    sends: r.code_sends ?? 0,
    lastSentAt: r.code_last_sent_at as Date,
  };
}

const challengeRow = (c: Challenge | null): ChallengeRow => ({
  code_hash: c?.codeHash ?? null,
  flow_token_hash: c?.flowTokenHash ?? null,
  code_issued_at: c?.issuedAt ?? null,
  code_expires_at: c?.expiresAt ?? null,
  code_attempts: c?.attempts ?? null,
  code_sends: c?.sends ?? null,
  code_last_sent_at: c?.lastSentAt ?? null,
});

const throttleOf = (r: ThrottleRow): Throttle => ({
  failedLogins: r.failed_logins,
  lastFailedLoginAt: r.last_failed_login_at,
  wrongCodesAt: r.wrong_codes_at,
  anonymousWrongCodesAt: r.anonymous_wrong_codes_at,
  recentSends: r.recent_sends,
});

const throttleRow = (t: Throttle | null): ThrottleRow => ({
  failed_logins: t?.failedLogins ?? 0,
  last_failed_login_at: t?.lastFailedLoginAt ?? null,
  wrong_codes_at: [...(t?.wrongCodesAt ?? [])],
  anonymous_wrong_codes_at: [...(t?.anonymousWrongCodesAt ?? [])],
  recent_sends: [...(t?.recentSends ?? [])],
});

/** A row of `accounts` -> the Account union (validated). */
export function toAccount(raw: unknown): Account {
  const r = accountRow.parse(raw);
  const base = {
    id: r.id,
    customerNumber: r.customer_number,
    legacyUsername: r.legacy_username,
    registeredEmail: r.registered_email,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  switch (r.status) {
    case 'legacy':
      return {
        ...base,
        ...throttleOf(r),
        status: 'legacy',
        legacyPasswordHash: r.legacy_password_hash as string,
      };
    case 'pending_renewal':
      return {
        ...base,
        ...throttleOf(r),
        status: 'pending_renewal',
        legacyPasswordHash: r.legacy_password_hash as string,
        origin: r.origin ?? 'login',
        challenge: challengeOf(r) as Challenge,
      };
    case 'migrated':
      return {
        ...base,
        status: 'migrated',
        loginId: r.login_id as string,
        migratedAt: r.migrated_at as Date,
      };
  }
}

/** The Account union -> column values, in `ACCOUNT_COLUMNS` order. */
export function accountValues(a: Account): unknown[] {
  const row: AccountRow = {
    id: a.id,
    customer_number: a.customerNumber,
    legacy_username: a.legacyUsername,
    registered_email: a.registeredEmail,
    status: a.status,
    legacy_password_hash: a.status === 'migrated' ? null : a.legacyPasswordHash,
    login_id: a.status === 'migrated' ? a.loginId : null,
    migrated_at: a.status === 'migrated' ? a.migratedAt : null,
    origin: a.status === 'pending_renewal' ? a.origin : null,
    ...challengeRow(a.status === 'pending_renewal' ? a.challenge : null),
    ...throttleRow(a.status === 'migrated' ? null : a),
    version: a.version,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
  return ACCOUNT_COLUMNS.map((c) => row[c]);
}

// built once: zod compiles a schema's parser at its first parse, so a schema extended
// per call paid that compilation on every login read (every sign-in)
const loginWithNumbers = loginRow.extend({ customer_numbers: z.array(z.string()) });

/** A row of `logins` plus its `customer_numbers` (aggregated from accounts) -> a Login. */
export function toLogin(raw: unknown): Login {
  const r = loginWithNumbers.parse(raw);
  return {
    id: r.id,
    email: r.email,
    passwordHash: r.password_hash,
    passwordChangedAt: r.password_changed_at,
    recovery: challengeOf(r),
    customerNumbers: r.customer_numbers,
    ...throttleOf(r),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A Login -> column values, in `LOGIN_COLUMNS` order (its customer numbers are not stored here). */
export function loginValues(l: Login): unknown[] {
  const row: LoginRow = {
    id: l.id,
    email: l.email,
    password_hash: l.passwordHash,
    password_changed_at: l.passwordChangedAt,
    ...challengeRow(l.recovery),
    ...throttleRow(l),
    version: l.version,
    created_at: l.createdAt,
    updated_at: l.updatedAt,
  };
  return LOGIN_COLUMNS.map((c) => row[c]);
}

export const sessionRow = z
  .object({
    id_hash: z.string(),
    login_id: z.string(),
    customer_number: z.string(),
    created_at: date,
    last_seen_at: date,
    expires_at: date,
  })
  .transform(
    (r): Session => ({
      idHash: r.id_hash,
      loginId: r.login_id,
      customerNumber: r.customer_number,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      expiresAt: r.expires_at,
    }),
  );

const emailData = z.object({
  customerNumbers: z.array(z.string()),
  loginEmail: z.string().optional(),
  passwordChanged: z.boolean().optional(),
  expiresAt: date.optional(),
  requestedAt: date,
  requestIp: z.string().nullable(),
});

export const outboxRow = z.object({
  id: z.coerce.string(),
  template: z.enum(['renewal_code', 'renewal_completed', 'recovery_code', 'password_changed']),
  recipient: z.string(),
  locale: z.enum(['es-MX', 'en']),
  data: emailData,
  secret: z.string().nullable(),
  status: z.enum(['pending', 'sent', 'dead']),
  attempts: int,
  created_at: date,
  next_attempt_at: nullableDate,
  last_error: z.string().nullable(),
  provider_id: z.string().nullable(),
});
export type OutboxRow = z.infer<typeof outboxRow>;

export const toOutboxEntry = (r: OutboxRow): OutboxEntry => ({
  id: r.id,
  template: r.template,
  to: r.recipient,
  status: r.status,
  attempts: r.attempts,
  createdAt: r.created_at,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  providerId: r.provider_id,
});

export const toEmail = (
  r: OutboxRow,
  secret: EmailMessage['secret'] | undefined,
): EmailMessage => ({
  template: r.template,
  to: r.recipient,
  locale: r.locale,
  data: r.data,
  ...(secret ? { secret } : {}),
});
