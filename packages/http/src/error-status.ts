import type { DomainError, ErrorCode } from '@renueva/domain';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one table from domain error codes to HTTP statuses. It is a `Record` over the
 * `ErrorCode` union: a new domain error without a status here does not compile.
 */
export const ERROR_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_credentials: 401,
  throttled: 429,
  no_deliverable_email: 422,
  flow_invalid: 400,
  code_invalid: 400,
  code_expired: 410,
  code_exhausted: 400,
  code_rejected: 400,
  resend_too_soon: 429,
  password_rejected: 422,
  session_invalid: 401,
  conflict: 409,
  busy: 503,
  invalid_input: 400,
  not_found: 404,
  already_migrated: 409,
};

/** Seconds until the error says to come back (at least 1), or null when it does not say. */
function retryAfterSeconds(error: DomainError, now: Date): number | null {
  if (error.code === 'busy') return error.retryAfterSeconds;
  const retryAt =
    error.code === 'throttled' || error.code === 'resend_too_soon' ? error.retryAt : null;
  return retryAt ? Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000)) : null;
}

/**
 * The status of a domain error, pages and API alike; sets Retry-After on `c` when the
 * error says when to come back (counted from `now`). The body is each transport's own.
 */
export function errorStatus(c: Context, error: DomainError, now: Date): ContentfulStatusCode {
  const retryAfter = retryAfterSeconds(error, now);
  if (retryAfter !== null) c.header('Retry-After', String(retryAfter));
  return ERROR_STATUS[error.code];
}
