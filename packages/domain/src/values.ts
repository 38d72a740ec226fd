import { z } from 'zod';
import type { DomainError } from './errors.js';
import { Err, Ok, type Result } from './result.js';

/** What `z.email()` accepts (zod's own pattern: ASCII only), at most 254 characters. */
const EMAIL = z.regexes.email;
const EMAIL_MAX = 254;
const USERNAME = /^[^\s\p{Cc}@]+$/u;
const USERNAME_MAX = 64;
const usernameSchema = z
  .string()
  .min(1)
  .max(USERNAME_MAX)
  .regex(USERNAME, 'sin espacios, arrobas ni caracteres de control');
const CUSTOMER_NUMBER = /^[0-9]{1,20}$/;

/** An email normalised for identity: trimmed and lower-cased (identity is case-insensitive). */
export type Email = string & { readonly __brand: 'Email' };

const invalid = (field: string, message: string): DomainError => ({
  code: 'invalid_input',
  field,
  message,
});

/** Parses and normalises an email address; `null` never comes back, only Ok or Err. */
export function parseEmail(raw: string): Result<Email, DomainError> {
  const value = raw.trim().toLowerCase();
  return value.length <= EMAIL_MAX && EMAIL.test(value)
    ? Ok(value as Email)
    : Err(invalid('email', 'correo electrónico no válido'));
}

/** Legacy usernames keep their original spelling; compare them with `usernameKey`. */
export function parseLegacyUsername(raw: string): Result<string, DomainError> {
  const value = raw.trim();
  // the schema's rule tested directly (an import checks a million); the schema names the fault
  if (value.length <= USERNAME_MAX && USERNAME.test(value)) return Ok(value);
  const issue = usernameSchema.safeParse(value).error?.issues[0];
  // Stryker disable next-line StringLiteral: a failed zod parse always has an issue with a message
  return Err(invalid('username', issue?.message ?? 'usuario no válido'));
}

/** The case-insensitive identity of a legacy username. */
export const usernameKey = (username: string): string => username.trim().toLowerCase();

/** A customer number: 1 to 20 digits, surrounding spaces trimmed. */
export function parseCustomerNumber(raw: string): Result<string, DomainError> {
  const value = raw.trim();
  return CUSTOMER_NUMBER.test(value)
    ? Ok(value)
    : Err(invalid('customer_number', 'número de cliente no válido: solo dígitos'));
}

/** What a sign-in or recovery form's identifier field holds. */
export type Identifier = { kind: 'email'; email: Email } | { kind: 'username'; username: string };

/** "@" decides: a legacy username never contains one. */
export function parseIdentifier(raw: string): Result<Identifier, DomainError> {
  if (raw.includes('@')) return parseEmail(raw).map((email) => ({ kind: 'email', email }));
  return parseLegacyUsername(raw).map((username) => ({ kind: 'username', username }));
}

const mask = (text: string, shown: number): string =>
  text.slice(0, shown) + '*'.repeat(Math.max(0, [...text].length - shown));

/**
 * Masks an email the way the seed shows it (`diego.barron.***@oxxog**.c**`):
 * length-preserving, "@" and dots kept. In the local part the last dot-separated
 * segment is hidden (the first half of a single segment stays); in the domain, the
 * top-level label keeps its first letter and every other label hides its last third.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return mask(email, Math.floor(email.length / 2));
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  const segments = local.split('.');
  const maskedLocal =
    segments.length > 1
      ? // Stryker disable next-line StringLiteral: with two segments or more, at(-1) is one of them
        [...segments.slice(0, -1), mask(segments.at(-1) ?? '', 0)].join('.')
      : mask(local, Math.floor(local.length / 2));
  const maskedDomain = labels.map((label, i) =>
    i === labels.length - 1 && labels.length > 1
      ? mask(label, Math.min(1, label.length - 1))
      : mask(label, label.length - Math.max(1, Math.floor(label.length / 3))),
  );
  return `${maskedLocal}@${maskedDomain.join('.')}`;
}
