import type { DomainError } from '@renueva/domain';

/** What a malformed field must be, for the operator (the domain's own text is the portal's Spanish). */
const FIELD_RULES: Record<string, string> = {
  email: 'not a valid email address',
  username: 'not a valid username (1-64 characters, no spaces, @ or control characters)',
  customer_number: 'not a valid customer number (digits only, 1 to 20)',
};

/** A domain error in English, on one line: the CLI never prints the portal's Spanish. */
export function englishError(e: DomainError): string {
  switch (e.code) {
    case 'invalid_input':
      return FIELD_RULES[e.field] ?? `invalid ${e.field}`;
    case 'invalid_credentials':
      return 'wrong identifier or password';
    case 'throttled':
      return e.retryAt ? `too many attempts; try again after ${e.retryAt.toISOString()}` : 'locked';
    case 'no_deliverable_email':
      return 'no valid email on record';
    case 'flow_invalid':
      return 'the renewal or recovery flow is not valid';
    case 'code_invalid':
      return `wrong code (${e.attemptsLeft} attempts left)`;
    case 'code_expired':
      return 'the code expired';
    case 'code_exhausted':
      return 'too many wrong codes: the code is dead';
    case 'code_rejected':
      return 'the code was rejected';
    case 'resend_too_soon':
      return `a new code can be sent after ${e.retryAt.toISOString()}`;
    case 'password_rejected':
      return `password rejected (${e.reasons.map((r) => r.kind).join(', ')})`;
    case 'session_invalid':
      return 'the session is not valid';
    case 'conflict':
      return 'someone changed the account at the same time; run the command again';
    case 'busy':
      return `password hashing is busy; try again in ${e.retryAfterSeconds} s`;
    case 'not_found':
      return 'not found';
    case 'already_migrated':
      return 'already renewed';
    default: {
      const unreachable: never = e;
      return String(unreachable);
    }
  }
}
