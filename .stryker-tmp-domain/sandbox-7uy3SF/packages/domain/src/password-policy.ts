// @ts-nocheck
import type { PasswordProblem } from './errors.js';
import type { Policies } from './policies.js';
import type { PasswordStrength } from './ports.js';
import { Err, Ok, type Result } from './result.js';

/** What the password must not contain: the words of the account or login it protects. */
export interface PasswordContext {
  usernames: readonly string[];
  email: string | null;
  customerNumbers: readonly string[];
}

/** NFKC, so that visually identical inputs are the same password everywhere. */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

/**
 * Checks a new password (NIST 800-63B): length in code points after NFKC, no
 * composition rules, not containing the account's own words, not common, and the
 * confirmation matches. Returns the normalised password to hash, or every problem.
 */
export function checkNewPassword(
  password: string,
  confirmation: string,
  context: PasswordContext,
  strength: PasswordStrength,
  p: Policies,
): Result<string, PasswordProblem[]> {
  const normalized = normalizePassword(password);
  const problems: PasswordProblem[] = [];
  const length = [...normalized].length;
  if (length < p.passwordMinLength) problems.push({ kind: 'too_short', min: p.passwordMinLength });
  if (length > p.passwordMaxLength) problems.push({ kind: 'too_long', max: p.passwordMaxLength });
  if (normalizePassword(confirmation) !== normalized) problems.push({ kind: 'mismatch' });

  const lower = normalized.toLowerCase();
  const words: (readonly [string | undefined, 'username' | 'email' | 'customer_number'])[] = [
    ...context.usernames.map((u) => [u, 'username'] as const),
    [context.email?.split('@')[0], 'email'],
    ...context.customerNumbers.map((n) => [n, 'customer_number'] as const),
  ];
  for (const [word, what] of words) {
    const needle = word ? normalizePassword(word).toLowerCase() : '';
    const known = problems.some((x) => x.kind === 'contains_personal_data' && x.what === what);
    if (needle.length >= 3 && lower.includes(needle) && !known)
      problems.push({ kind: 'contains_personal_data', what });
  }

  if (problems.length === 0 || problems.every((x) => x.kind === 'mismatch')) {
    const verdict = strength.check(
      normalized,
      words.flatMap(([w]) => (w ? [w] : [])),
    );
    if (!verdict.acceptable) problems.push({ kind: 'too_common', feedback: verdict.feedback });
  }
  return problems.length === 0 ? Ok(normalized) : Err(problems);
}
