import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { DomainError, ValidSession } from '@renueva/domain';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppOptions } from '../deps.js';
import { ERROR_STATUS, errorStatus } from '../error-status.js';
import type { RateLimit } from '../limits.js';
import { errorSpanish, NOT_YOUR_CUSTOMER_NUMBER, passwordProblemSpanish } from '../messages.js';
import { requestContext } from '../request-context.js';
import { EMPTY_BODY, type InputProblem, inputProblem, NOT_JSON } from './invalid-input.js';

// Bounds on every field: the body limit caps the total, these keep each field sane.
const identifier = z.string().max(320).openapi({ example: 'dbarronrmz1' });
const password = z.string().max(1024).openapi({ format: 'password' });
const flowToken = z
  .string()
  .max(200)
  .openapi({ description: 'From the sign-in or recovery answer; binds the code to this client.' });
const code = z.string().max(20).openapi({ example: '482913' });
const expiresAt = z
  .string()
  .datetime()
  .openapi({ description: 'When the code emailed stops working.' });

const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_credentials' }),
      message: z.string().openapi({ example: 'Usuario o contraseña incorrectos.' }),
      attemptsLeft: z.number().int().optional(),
      retryAt: z.string().datetime().nullable().optional(),
      reasons: z.array(z.object({ kind: z.string(), message: z.string() })).optional(),
      field: z.string().optional().openapi({
        description:
          'With `invalid_input`: the dotted path of the field at fault (empty: the body as a whole).',
      }),
    }),
  })
  .openapi('Error');

const SignInBody = z.object({ identifier, password }).openapi('SignIn');
const SignInResult = z
  .discriminatedUnion('outcome', [
    z.object({
      outcome: z.literal('signed_in'),
      sessionToken: z.string(),
      sessionExpiresAt: z.string().datetime(),
      customerNumbers: z.array(z.string()).openapi({
        description: 'Every customer number this login opens; the session starts on the first.',
      }),
    }),
    z.object({
      outcome: z.literal('renewal_started'),
      flowToken: z.string(),
      maskedEmail: z.string(),
      emailed: z.boolean(),
      resendAvailableAt: z.string().datetime(),
      expiresAt,
    }),
    z.object({ outcome: z.literal('login_is_email'), maskedEmail: z.string() }),
  ])
  .openapi('SignInResult');
const ResendBody = z.object({ flowToken }).openapi('Resend');
const ResendResult = z
  .object({
    maskedEmail: z.string(),
    resendAvailableAt: z.string().datetime(),
    expiresAt,
  })
  .openapi('ResendResult');
const CompleteBody = z
  .object({ flowToken, code, newPassword: password, confirmation: password })
  .openapi('Complete');
const CompleteResult = z
  .object({
    loginEmail: z.string(),
    customerNumbers: z
      .array(z.string())
      .openapi({ description: 'Every customer number this email opens now.' }),
    migrated: z.boolean(),
    passwordChanged: z.boolean().openapi({
      description:
        'The password of a login that existed before changed (a recovery, or a renewal that joined the login of its email); its other sessions ended.',
    }),
  })
  .openapi('CompleteResult');
const RecoveryBody = z.object({ identifier }).openapi('Recovery');
const RecoveryResult = z
  .object({
    flowToken: z.string().openapi({ description: 'Returned whether or not the account exists.' }),
  })
  .openapi('RecoveryResult');
const Me = z
  .object({
    loginEmail: z.string(),
    customerNumber: z.string().openapi({ description: 'The one this session works on.' }),
    customerNumbers: z
      .array(z.string())
      .openapi({ description: 'Every customer number this login opens.' }),
    sessionExpiresAt: z.string().datetime(),
  })
  .openapi('Me');
const SelectBody = z
  .object({ customerNumber: z.string().max(20).openapi({ example: '2242455' }) })
  .openapi('SelectCustomerNumber');

const errors = Object.fromEntries(
  [...new Set(Object.values(ERROR_STATUS)), 415].map((status) => [
    status,
    { description: 'Error', content: { 'application/json': { schema: ErrorBody } } },
  ]),
);
/** The answer to a body refused before any use case runs. */
const invalidInput = (p: InputProblem) => ({
  error: { code: 'invalid_input' as const, message: p.message, field: p.field },
});

/** A body refused before the schema looks at it: empty, or not JSON at all. */
const jsonBody: MiddlewareHandler = async (c, next) => {
  const text = await c.req.text();
  let problem = text.trim() === '' ? EMPTY_BODY : null;
  if (!problem) {
    try {
      JSON.parse(text);
    } catch {
      problem = NOT_JSON;
    }
  }
  if (problem) return c.json(invalidInput(problem), 400);
  await next();
};

const json = <S extends z.ZodType>(schema: S) => ({
  content: { 'application/json': { schema } },
  required: true,
});
const bearer = [{ bearerAuth: [] }];

const post = <B extends z.ZodType, R extends z.ZodType>(
  path: string,
  summary: string,
  body: B,
  result: R,
) =>
  createRoute({
    method: 'post',
    path,
    summary,
    request: { body: json(body) },
    middleware: jsonBody,
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: result } } },
      ...errors,
    },
  });

/** The session answer: the login, the customer number worked on, and all of them. */
const me = (v: ValidSession) => ({
  loginEmail: v.login.email,
  customerNumber: v.customerNumber,
  customerNumbers: v.customerNumbers,
  sessionExpiresAt: v.session.expiresAt.toISOString(),
});

/** The JSON API: the same operations as the pages, for other clients. */
export function apiRoutes(deps: AppDeps, options: AppOptions, limit: RateLimit) {
  const uc = deps.useCases;
  const now = () => deps.clock.now();
  const api = new OpenAPIHono({
    // only bodies are validated, and `jsonBody` has already seen this one parse
    defaultHook: async (result, c) => {
      if (!result.success)
        return c.json(invalidInput(inputProblem(result.error, await c.req.json())), 400);
    },
  });
  const ctx = (c: Context) => requestContext(c, options);
  /** The error answer; `message` replaces the generic one where the route knows better. */
  const fail = (c: Context, error: DomainError, message?: string) => {
    const status = errorStatus(c, error, now());
    return c.json(
      {
        error: {
          code: error.code,
          message: message ?? errorSpanish(error, now()),
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
      },
      status,
    ) as never;
  };
  const limited = async (c: Context, id: string | null) => {
    const wait = await limit(ctx(c).ip, id);
    if (wait === null) return null;
    const retryAt = new Date(now().getTime() + wait * 1000);
    return fail(c, { code: 'throttled', retryAt });
  };
  const bearerToken = (c: Context) =>
    c.req.header('authorization')?.match(/^Bearer ([A-Za-z0-9_-]{1,200})$/)?.[1] ?? '';

  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
  });

  api.openapi(
    post('/sessions', 'Sign in with an email or a legacy username', SignInBody, SignInResult),
    async (c) => {
      const body = c.req.valid('json');
      const tooMany = await limited(c, body.identifier);
      if (tooMany) return tooMany;
      const r = await uc.logIn({
        identifier: body.identifier,
        password: body.password,
        context: ctx(c),
      });
      if (r.isErr()) return fail(c, r.error);
      const o = r.value;
      switch (o.kind) {
        case 'signed_in':
          return c.json(
            {
              outcome: o.kind,
              sessionToken: o.sessionToken,
              sessionExpiresAt: o.sessionExpiresAt.toISOString(),
              customerNumbers: o.customerNumbers,
            },
            200,
          );
        case 'renewal_started':
          return c.json(
            {
              outcome: o.kind,
              flowToken: o.flowToken,
              maskedEmail: o.maskedEmail,
              emailed: o.emailed,
              resendAvailableAt: o.resendAvailableAt.toISOString(),
              expiresAt: o.expiresAt.toISOString(),
            },
            200,
          );
        case 'login_is_email':
          return c.json({ outcome: o.kind, maskedEmail: o.maskedEmail }, 200);
      }
    },
  );

  api.openapi(
    post('/renewal/resend', 'Email a new renewal code', ResendBody, ResendResult),
    async (c) => {
      const b = c.req.valid('json');
      const r = await uc.resendRenewalCode({ flowToken: b.flowToken, context: ctx(c) });
      if (r.isErr()) return fail(c, r.error);
      return c.json(
        {
          maskedEmail: r.value.maskedEmail,
          resendAvailableAt: r.value.resendAvailableAt.toISOString(),
          expiresAt: r.value.expiresAt.toISOString(),
        },
        200,
      );
    },
  );

  api.openapi(
    post(
      '/renewal/complete',
      'Finish a renewal: code + new password',
      CompleteBody,
      CompleteResult,
    ),
    async (c) => {
      const b = c.req.valid('json');
      const r = await uc.completeRenewal({ ...b, context: ctx(c) });
      return r.isOk() ? c.json(r.value, 200) : fail(c, r.error);
    },
  );

  api.openapi(
    post(
      '/recovery',
      'Ask for a recovery code (same answer whether or not the account exists); ask again for a new code',
      RecoveryBody,
      RecoveryResult,
    ),
    async (c) => {
      const b = c.req.valid('json');
      const tooMany = await limited(c, b.identifier);
      if (tooMany) return tooMany;
      const r = await uc.requestRecovery({ identifier: b.identifier, context: ctx(c) });
      return r.isOk() ? c.json(r.value, 200) : fail(c, r.error);
    },
  );

  api.openapi(
    post(
      '/recovery/complete',
      'Finish a recovery: code + new password (every code failure is `code_rejected`)',
      CompleteBody,
      CompleteResult,
    ),
    async (c) => {
      const b = c.req.valid('json');
      const r = await uc.completeRecovery({ ...b, context: ctx(c) });
      return r.isOk() ? c.json(r.value, 200) : fail(c, r.error);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/session',
      summary: 'The signed-in account',
      security: bearer,
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: Me } } },
        ...errors,
      },
    }),
    async (c) => {
      const r = await uc.validateSession({ token: bearerToken(c) });
      return r.isOk() ? c.json(me(r.value), 200) : fail(c, r.error);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/session/customer-number',
      summary: 'Work on another customer number of the signed-in login',
      security: bearer,
      request: { body: json(SelectBody) },
      middleware: jsonBody,
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: Me } } },
        ...errors,
      },
    }),
    async (c) => {
      const { customerNumber } = c.req.valid('json');
      const r = await uc.selectCustomerNumber({ token: bearerToken(c), customerNumber });
      if (r.isOk()) return c.json(me(r.value), 200);
      return fail(c, r.error, r.error.code === 'not_found' ? NOT_YOUR_CUSTOMER_NUMBER : undefined);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/session',
      summary: 'Sign out (idempotent)',
      security: bearer,
      responses: { 204: { description: 'Signed out' } },
    }),
    async (c) => {
      await uc.logOut({ token: bearerToken(c) });
      return c.body(null, 204);
    },
  );

  api.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Renueva API',
      version: '1.0.0',
      description:
        'Sign-in, renewal and recovery for the billing portal. Errors are `{ error: { code, message } }` with Spanish messages; JSON bodies only (`application/json`).',
    },
    servers: [{ url: '/api/v1' }],
  });
  return api;
}
