/**
 * Every expected failure of the domain, as plain data. The HTTP layer maps each
 * `code` to a status through one exhaustive table, so adding a code here without a
 * status is a compile error there.
 */
// @ts-nocheck

export type DomainError =
  /** Unknown identifier, wrong password, wrong legacy password: deliberately one error. */
  | { code: 'invalid_credentials' }
  /** Too many failures or sends; `retryAt` is when trying again may succeed (null: ask support). */
  | { code: 'throttled'; retryAt: Date | null }
  /** The account has no valid email on record: only support can fix it. */
  | { code: 'no_deliverable_email' }
  /** The flow token is missing, forged, or belongs to a finished flow. */
  | { code: 'flow_invalid' }
  /** Wrong code; `attemptsLeft` for this code before it dies. */
  | { code: 'code_invalid'; attemptsLeft: number }
  | { code: 'code_expired' }
  /** Too many wrong codes: this code is dead, a new one must be requested. */
  | { code: 'code_exhausted' }
  /**
   * Recovery's one answer for a wrong, expired, used-up or unknown code or flow: a
   * recovery can be asked for any identifier, so it never says more.
   */
  | { code: 'code_rejected' }
  /** A new code was asked for too soon or too often. */
  | { code: 'resend_too_soon'; retryAt: Date }
  | { code: 'password_rejected'; reasons: PasswordProblem[] }
  | { code: 'session_invalid' }
  /** Someone else changed the account first (double submission): nothing was written. */
  | { code: 'conflict' }
  /** Password hashing is saturated; retry shortly. */
  | { code: 'busy'; retryAfterSeconds: number }
  | { code: 'invalid_input'; field: string; message: string }
  | { code: 'not_found' }
  | { code: 'already_migrated' };

/** The `code` of every `DomainError`: what a transport maps to a status. */
export type ErrorCode = DomainError['code'];

/** Why a new password was refused; `checkNewPassword` reports every one that applies. */
export type PasswordProblem =
  | { kind: 'too_short'; min: number }
  | { kind: 'too_long'; max: number }
  | { kind: 'mismatch' }
  | { kind: 'contains_personal_data'; what: 'username' | 'email' | 'customer_number' }
  | { kind: 'too_common'; feedback: string | null };
