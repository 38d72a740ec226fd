import type { Account, Challenge, EmailMessage, OutboxEntry, Session } from '@renueva/domain';
import { z } from 'zod';

// pg returns bigint/count as strings and PGlite as numbers; timestamps as Date on both.
const int = z.coerce.number().int();
const date = z.coerce.date();
const nullableDate = date.nullable();

export const accountRow = z.object({
  id: z.string(),
  customer_number: z.string(),
  legacy_username: z.string(),
  registered_email: z.string().nullable(),
  status: z.enum(['legacy', 'pending_renewal', 'migrated']),
  legacy_password_hash: z.string().nullable(),
  login_email: z.string().nullable(),
  password_hash: z.string().nullable(),
  migrated_at: nullableDate,
  password_changed_at: nullableDate,
  origin: z.enum(['login', 'recovery']).nullable(),
  code_hash: z.string().nullable(),
  flow_token_hash: z.string().nullable(),
  code_issued_at: nullableDate,
  code_expires_at: nullableDate,
  code_attempts: int.nullable(),
  code_sends: int.nullable(),
  code_last_sent_at: nullableDate,
  failed_logins: int,
  last_failed_login_at: nullableDate,
  wrong_codes: int,
  wrong_codes_since: nullableDate,
  recent_sends: z.array(date),
  version: int,
  created_at: date,
  updated_at: date,
});
type AccountRow = z.infer<typeof accountRow>;

/** The columns of `accounts`, in the order `accountValues` produces them. */
export const ACCOUNT_COLUMNS = Object.keys(accountRow.shape) as (keyof AccountRow)[];

function challengeOf(r: AccountRow): Challenge | null {
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
    failedLogins: r.failed_logins,
    lastFailedLoginAt: r.last_failed_login_at,
    wrongCodes: r.wrong_codes,
    wrongCodesSince: r.wrong_codes_since,
    recentSends: r.recent_sends,
  };
  const challenge = challengeOf(r);
  switch (r.status) {
    case 'legacy':
      return { ...base, status: 'legacy', legacyPasswordHash: r.legacy_password_hash as string };
    case 'pending_renewal':
      return {
        ...base,
        status: 'pending_renewal',
        legacyPasswordHash: r.legacy_password_hash as string,
        origin: r.origin ?? 'login',
        challenge: challenge as Challenge,
      };
    case 'migrated':
      return {
        ...base,
        status: 'migrated',
        loginEmail: r.login_email as string,
        passwordHash: r.password_hash as string,
        migratedAt: r.migrated_at as Date,
        passwordChangedAt: r.password_changed_at as Date,
        recovery: challenge,
      };
  }
}

/** The Account union -> column values, in `ACCOUNT_COLUMNS` order. */
export function accountValues(a: Account): unknown[] {
  const challenge =
    a.status === 'pending_renewal' ? a.challenge : a.status === 'migrated' ? a.recovery : null;
  const row: AccountRow = {
    id: a.id,
    customer_number: a.customerNumber,
    legacy_username: a.legacyUsername,
    registered_email: a.registeredEmail,
    status: a.status,
    legacy_password_hash: a.status === 'migrated' ? null : a.legacyPasswordHash,
    login_email: a.status === 'migrated' ? a.loginEmail : null,
    password_hash: a.status === 'migrated' ? a.passwordHash : null,
    migrated_at: a.status === 'migrated' ? a.migratedAt : null,
    password_changed_at: a.status === 'migrated' ? a.passwordChangedAt : null,
    origin: a.status === 'pending_renewal' ? a.origin : null,
    code_hash: challenge?.codeHash ?? null,
    flow_token_hash: challenge?.flowTokenHash ?? null,
    code_issued_at: challenge?.issuedAt ?? null,
    code_expires_at: challenge?.expiresAt ?? null,
    code_attempts: challenge?.attempts ?? null,
    code_sends: challenge?.sends ?? null,
    code_last_sent_at: challenge?.lastSentAt ?? null,
    failed_logins: a.failedLogins,
    last_failed_login_at: a.lastFailedLoginAt,
    wrong_codes: a.wrongCodes,
    wrong_codes_since: a.wrongCodesSince,
    recent_sends: [...a.recentSends],
    version: a.version,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
  return ACCOUNT_COLUMNS.map((c) => row[c]);
}

export const sessionRow = z
  .object({
    id_hash: z.string(),
    account_id: z.string(),
    created_at: date,
    last_seen_at: date,
    expires_at: date,
  })
  .transform(
    (r): Session => ({
      idHash: r.id_hash,
      accountId: r.account_id,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      expiresAt: r.expires_at,
    }),
  );

const emailData = z.object({
  customerNumber: z.string(),
  loginEmail: z.string().optional(),
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
