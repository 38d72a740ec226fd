import { z } from '@hono/zod-openapi';
import type { DomainError, ErrorCode, PasswordProblem } from '@renueva/domain';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_STATUS } from '../error-status.js';
import { errorSpanish, passwordProblemSpanish, REQUEST_REFUSED } from '../messages.js';
import type { InputProblem } from './invalid-input.js';

/**
 * What an operation can answer besides success: a domain error, app.tsx refusing the
 * body, or app.tsx answering for a store that does not answer.
 */
export type ApiErrorCode =
  | ErrorCode
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable';

const STATUS: Record<ApiErrorCode, ContentfulStatusCode> = {
  ...ERROR_STATUS,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
};

/** The body of an error answer: `{ error: { code, message, ... } }` with the code's own fields. */
export function errorBody(error: DomainError, message: string) {
  return {
    error: {
      code: error.code,
      message,
      ...(error.code === 'invalid_input' ? { field: error.field } : {}),
      ...(error.code === 'code_invalid' ? { attemptsLeft: error.attemptsLeft } : {}),
      ...(error.code === 'throttled' || error.code === 'resend_too_soon'
        ? { retryAt: error.retryAt?.toISOString() ?? null }
        : {}),
      ...(error.code === 'password_rejected'
        ? {
            reasons: error.reasons.map((r) => ({
              kind: r.kind,
              message: passwordProblemSpanish(r),
            })),
          }
        : {}),
    },
  };
}

/** The answer to a body the schema refused (its message is already the whole sentence). */
export const invalidInputBody = (p: InputProblem) =>
  errorBody({ code: 'invalid_input', ...p }, p.message);

/** What each code means, for the document. */
const MEANING: Record<ApiErrorCode, string> = {
  invalid_credentials:
    'Unknown identifier, wrong password or wrong legacy password (deliberately one answer).',
  throttled:
    'Too many attempts or sends; `retryAt` says when to try again (null: only a recovery or support unlocks it).',
  no_deliverable_email:
    'The account has no valid email on record to send the code to, or that address bounced or complained (reported by the mail provider); only support can fix it.',
  flow_invalid: 'The flow token is unknown, forged, or its flow is finished.',
  code_invalid: 'Wrong code; `attemptsLeft` before this code stops working.',
  code_expired: 'The code expired; ask for a new one.',
  code_exhausted: 'Too many wrong codes: this code stopped working; ask for a new one.',
  code_rejected:
    'The code or the flow was not accepted; a recovery never says which (it can be asked for any identifier).',
  resend_too_soon: 'A code went out moments ago; `retryAt` says when another can.',
  password_rejected: 'The new password was refused; `reasons` lists every reason.',
  session_invalid: 'No session token, or its session ended.',
  conflict:
    'The account changed meanwhile (e.g. a double submission); nothing was written, ask again.',
  busy: 'Password hashing is saturated (too many sign-ins at once); nothing was changed; try again after `Retry-After` seconds.',
  invalid_input:
    'The body does not match the schema; `field` names the field at fault (empty: the body as a whole).',
  not_found: 'The login does not open that customer number.',
  already_migrated: 'The customer number was already renewed.',
  payload_too_large: 'The body is larger than the limit.',
  unsupported_media_type: 'The body is not `application/json`.',
  unavailable:
    'The store (PostgreSQL) does not answer right now (a restart, the network); try again after `Retry-After` seconds.',
};

// The examples are real answers: built by the code that builds them, at a fixed time.
const NOW = new Date('2026-11-25T16:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const domain = (error: DomainError) => errorBody(error, errorSpanish(error, NOW));
const refused = (code: 'payload_too_large' | 'unsupported_media_type' | 'unavailable') => ({
  error: { code, message: REQUEST_REFUSED[code] },
});

const EXAMPLE: Record<ApiErrorCode, { error: { code: ApiErrorCode; message: string } }> = {
  invalid_credentials: domain({ code: 'invalid_credentials' }),
  throttled: domain({ code: 'throttled', retryAt: later(45) }),
  no_deliverable_email: domain({ code: 'no_deliverable_email' }),
  flow_invalid: domain({ code: 'flow_invalid' }),
  code_invalid: domain({ code: 'code_invalid', attemptsLeft: 4 }),
  code_expired: domain({ code: 'code_expired' }),
  code_exhausted: domain({ code: 'code_exhausted' }),
  code_rejected: domain({ code: 'code_rejected' }),
  resend_too_soon: domain({ code: 'resend_too_soon', retryAt: later(60) }),
  password_rejected: domain({
    code: 'password_rejected',
    reasons: [{ kind: 'too_short', min: 12 }, { kind: 'mismatch' }],
  }),
  session_invalid: domain({ code: 'session_invalid' }),
  conflict: domain({ code: 'conflict' }),
  busy: domain({ code: 'busy', retryAfterSeconds: 1 }),
  invalid_input: invalidInputBody({
    field: 'newPassword',
    message: 'El campo newPassword admite como máximo 1024 caracteres.',
  }),
  not_found: domain({ code: 'not_found' }),
  already_migrated: domain({ code: 'already_migrated' }),
  payload_too_large: refused('payload_too_large'),
  unsupported_media_type: refused('unsupported_media_type'),
  unavailable: refused('unavailable'),
};

const PROBLEM_KINDS: Record<PasswordProblem['kind'], true> = {
  too_short: true,
  too_long: true,
  mismatch: true,
  contains_personal_data: true,
  too_common: true,
};

/** The error body of one status of one operation: `code` is exactly the codes it can carry. */
function errorSchema(codes: readonly ApiErrorCode[]) {
  const carries = (...some: ApiErrorCode[]) => some.some((c) => codes.includes(c));
  return z.object({
    error: z.object({
      code: z.enum(codes as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string().openapi({ description: 'For the customer, in Spanish (es-MX).' }),
      ...(carries('invalid_input')
        ? {
            field: z.string().optional().openapi({
              description:
                'With `invalid_input`: the dotted path of the field at fault (empty: the body as a whole).',
            }),
          }
        : {}),
      ...(carries('code_invalid')
        ? {
            attemptsLeft: z
              .number()
              .int()
              .optional()
              .openapi({ description: 'With `code_invalid`: wrong tries left for this code.' }),
          }
        : {}),
      ...(carries('throttled', 'resend_too_soon')
        ? {
            retryAt: z.string().datetime().nullable().optional().openapi({
              description:
                'With `throttled` and `resend_too_soon`: when to try again (null: not by waiting).',
            }),
          }
        : {}),
      ...(carries('password_rejected')
        ? {
            reasons: z
              .array(
                z.object({
                  kind: z.enum(Object.keys(PROBLEM_KINDS) as [PasswordProblem['kind']]),
                  message: z.string(),
                }),
              )
              .optional()
              .openapi({ description: 'With `password_rejected`: every reason, in Spanish.' }),
          }
        : {}),
    }),
  });
}

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait, when the error says when to come back.',
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

/**
 * The documented error answers of an operation: one response per status, each with the
 * codes it can carry, what they mean, and a real example of each. `messages` are the
 * operation's own wording where it replaces a code's generic one. Every operation reads
 * or writes the store, so every one can answer `unavailable` too (added here).
 */
export function errorResponses(
  codes: readonly ApiErrorCode[],
  messages: Partial<Record<ApiErrorCode, string>> = {},
) {
  const byStatus = new Map<ContentfulStatusCode, ApiErrorCode[]>();
  for (const code of [...codes, 'unavailable'] as const)
    byStatus.set(STATUS[code], [...(byStatus.get(STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, some]) => [
      status,
      {
        description: some.map((c) => `- \`${c}\`: ${MEANING[c]}`).join('\n'),
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
        content: {
          'application/json': {
            schema: errorSchema(some),
            examples: Object.fromEntries(
              some.map((c) => {
                const value = EXAMPLE[c];
                const message = messages[c];
                return [c, { value: message ? { error: { ...value.error, message } } : value }];
              }),
            ),
          },
        },
      },
    ]),
  );
}
