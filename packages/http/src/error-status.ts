import type { ErrorCode } from '@renueva/domain';
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
