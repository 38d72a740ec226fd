import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { DomainError, ValidSession } from '@renueva/domain';
import type { Context, MiddlewareHandler } from 'hono';
import { GATE_FULL, type HashingGate } from '../admission.js';
import type { AppDeps, AppOptions } from '../deps.js';
import { errorStatus } from '../error-status.js';
import type { RateLimit } from '../limits.js';
import { errorSpanish, NOT_YOUR_CUSTOMER_NUMBER } from '../messages.js';
import { requestContext } from '../request-context.js';
import { atSignInFloor } from '../sign-in-floor.js';
import { errorBody, errorResponses, invalidInputBody } from './errors.js';
import { EMPTY_BODY, inputProblem, NOT_JSON } from './invalid-input.js';

/** Where the API is mounted. */
export const API_BASE = '/api/v1';

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

// Examples: customers like the test seed's, around the fixed time of the error examples.
const FLOW_TOKEN = 'q3Vt0dXy5mJb8hQe2kR7wN1sZ4pLc6aF9uGiYoTnMxE';
const SESSION_TOKEN = 'Hk2pW9sT4vQx7bN1mRc5yLd8gZf3jUa6eKo0iXtVnMw';
const MASKED = 'diego.barron.***@oxxog**.c**';
const NEW_PASSWORD = 'tortuga violeta bajo el puente';
const COMPLETE_EXAMPLE = {
  flowToken: FLOW_TOKEN,
  code: '482913',
  newPassword: NEW_PASSWORD,
  confirmation: NEW_PASSWORD,
};
const ME_EXAMPLE = {
  loginEmail: 'admin@flotillas.mx',
  customerNumber: '103',
  customerNumbers: ['102', '103'],
  sessionExpiresAt: '2026-11-26T04:00:00.000Z',
};

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
  if (problem) return c.json(invalidInputBody(problem), 400);
  await next();
};

/**
 * A JSON request body and what comes with taking one: the schema refuses with
 * `invalid_input`, app.tsx with `payload_too_large` and `unsupported_media_type`.
 */
const withBody = <B extends z.ZodType>(schema: B, example: z.input<B>) => ({
  request: {
    body: { content: { 'application/json': { schema, example } }, required: true },
  },
  middleware: jsonBody,
});
const BODY_ERRORS = ['invalid_input', 'payload_too_large', 'unsupported_media_type'] as const;

const ok = <R extends z.ZodType>(schema: R, examples: Record<string, z.output<R>>) => ({
  description: 'OK',
  content: {
    'application/json': {
      schema,
      examples: Object.fromEntries(Object.entries(examples).map(([k, value]) => [k, { value }])),
    },
  },
});

const PUBLIC: { bearerAuth: string[] }[] = [];
const SESSION = [{ bearerAuth: [] }];

// Each operation's errors, read from the use case it calls (and the rate limit, where
// it counts): a code appears here only where some path of that code returns it.

const signIn = createRoute({
  method: 'post',
  path: '/sessions',
  operationId: 'signIn',
  summary: 'Sign in with an email or a legacy username',
  description:
    'A login (email + password) gets a session; a legacy username + legacy password starts a renewal and emails a code; the legacy username of a renewed customer number + its login password answers with the email to sign in with.',
  security: PUBLIC,
  ...withBody(SignInBody, { identifier: 'dbarronrmz1', password: 'Gasolina2019' }),
  responses: {
    200: ok(SignInResult, {
      signed_in: {
        outcome: 'signed_in',
        sessionToken: SESSION_TOKEN,
        sessionExpiresAt: '2026-11-26T04:00:00.000Z',
        customerNumbers: ['2242455'],
      },
      renewal_started: {
        outcome: 'renewal_started',
        flowToken: FLOW_TOKEN,
        maskedEmail: MASKED,
        emailed: true,
        resendAvailableAt: '2026-11-25T16:01:00.000Z',
        expiresAt: '2026-11-25T16:15:00.000Z',
      },
      login_is_email: { outcome: 'login_is_email', maskedEmail: MASKED },
    }),
    ...errorResponses([
      ...BODY_ERRORS,
      'invalid_credentials',
      'throttled', // the rate limit; a blocked login; a send limit with no live code
      'no_deliverable_email', // a legacy account without a valid email
      'conflict', // a renewal start that lost every race
      'busy', // password verification saturated
    ]),
  },
});

const resendRenewalCode = createRoute({
  method: 'post',
  path: '/renewal/resend',
  operationId: 'resendRenewalCode',
  summary: 'Email a new renewal code',
  description: 'The code sent before stops working; the wrong-code budget is kept.',
  security: PUBLIC,
  ...withBody(ResendBody, { flowToken: FLOW_TOKEN }),
  responses: {
    200: ok(ResendResult, {
      sent: {
        maskedEmail: MASKED,
        resendAvailableAt: '2026-11-25T16:01:00.000Z',
        expiresAt: '2026-11-25T16:15:00.000Z',
      },
    }),
    ...errorResponses([
      ...BODY_ERRORS,
      'flow_invalid',
      'resend_too_soon',
      'no_deliverable_email', // the address read again no longer parses
      'conflict',
    ]),
  },
});

const COMPLETE_RESULT = {
  loginEmail: 'diego.barron.rmz@oxxogas.com',
  customerNumbers: ['2242455'],
  migrated: true,
  passwordChanged: false,
};

const completeRenewal = createRoute({
  method: 'post',
  path: '/renewal/complete',
  operationId: 'completeRenewal',
  summary: 'Finish a renewal: code + new password',
  description:
    'The customer number moves to the login of its email (created if there is none). A weak password is refused before the code is checked, so it spends no attempt. Sign in again afterwards.',
  security: PUBLIC,
  ...withBody(CompleteBody, COMPLETE_EXAMPLE),
  responses: {
    200: ok(CompleteResult, { renewed: COMPLETE_RESULT }),
    ...errorResponses([
      ...BODY_ERRORS,
      'flow_invalid',
      'code_invalid',
      'code_expired',
      'code_exhausted',
      'throttled', // too many wrong codes across codes
      'password_rejected',
      'no_deliverable_email',
      'busy', // password hashing saturated
      'conflict',
    ]),
  },
});

const requestRecovery = createRoute({
  method: 'post',
  path: '/recovery',
  operationId: 'requestRecovery',
  summary: 'Ask for a recovery code',
  description:
    'The same answer whether or not the account exists, can receive a code, or is throttled; ask again for a new code.',
  security: PUBLIC,
  ...withBody(RecoveryBody, { identifier: 'diego.barron.rmz@oxxogas.com' }),
  responses: {
    200: ok(RecoveryResult, { requested: { flowToken: FLOW_TOKEN } }),
    // the use case never fails (a decoy answers for it): only the rate limit refuses
    ...errorResponses([...BODY_ERRORS, 'throttled']),
  },
});

const completeRecovery = createRoute({
  method: 'post',
  path: '/recovery/complete',
  operationId: 'completeRecovery',
  summary: 'Finish a recovery: code + new password',
  description:
    'Every code or flow failure is `code_rejected`, and the password is judged only once the code is right, so a flow asked for an unknown identifier reads exactly like a real one. The login’s other sessions end.',
  security: PUBLIC,
  ...withBody(CompleteBody, COMPLETE_EXAMPLE),
  responses: {
    200: ok(CompleteResult, {
      recovered: { ...COMPLETE_RESULT, migrated: false, passwordChanged: true },
    }),
    ...errorResponses([
      ...BODY_ERRORS,
      'code_rejected',
      'password_rejected',
      'no_deliverable_email', // a legacy account's address read again no longer parses
      'busy',
      'conflict',
    ]),
  },
});

const getSession = createRoute({
  method: 'get',
  path: '/session',
  operationId: 'getSession',
  summary: 'The signed-in account',
  security: SESSION,
  responses: {
    200: ok(Me, { signed_in: ME_EXAMPLE }),
    ...errorResponses(['session_invalid']),
  },
});

const selectCustomerNumber = createRoute({
  method: 'put',
  path: '/session/customer-number',
  operationId: 'selectCustomerNumber',
  summary: 'Work on another customer number of the signed-in login',
  security: SESSION,
  ...withBody(SelectBody, { customerNumber: '103' }),
  responses: {
    200: ok(Me, { switched: ME_EXAMPLE }),
    ...errorResponses([...BODY_ERRORS, 'session_invalid', 'not_found'], {
      not_found: NOT_YOUR_CUSTOMER_NUMBER,
    }),
  },
});

const signOut = createRoute({
  method: 'delete',
  path: '/session',
  operationId: 'signOut',
  summary: 'Sign out (idempotent)',
  description: 'Answers 204 whether or not the token named a live session.',
  security: SESSION,
  responses: { 204: { description: 'Signed out' }, ...errorResponses([]) },
});

/** The session answer: the login, the customer number worked on, and all of them. */
const me = (v: ValidSession) => ({
  loginEmail: v.login.email,
  customerNumber: v.customerNumber,
  customerNumbers: v.customerNumbers,
  sessionExpiresAt: v.session.expiresAt.toISOString(),
});

/** The JSON API: the same operations as the pages, for other clients. */
export function apiRoutes(deps: AppDeps, options: AppOptions, limit: RateLimit, gate: HashingGate) {
  const uc = deps.useCases;
  const now = () => deps.clock.now();
  const api = new OpenAPIHono({
    // only bodies are validated, and `jsonBody` has already seen this one parse
    defaultHook: async (result, c) => {
      if (!result.success)
        return c.json(invalidInputBody(inputProblem(result.error, await c.req.json())), 400);
    },
  });
  const ctx = (c: Context) => requestContext(c, options);
  /** The error answer; `message` replaces the generic one where the route knows better. */
  const fail = (c: Context, error: DomainError, message?: string) =>
    c.json(
      errorBody(error, message ?? errorSpanish(error, now())),
      errorStatus(c, error, now()),
    ) as never;
  const limited = async (c: Context, id: string | null) => {
    const wait = await limit(ctx(c).ip, id);
    if (wait === null) return null;
    const retryAt = new Date(now().getTime() + wait * 1000);
    return fail(c, { code: 'throttled', retryAt });
  };
  const bearerToken = (c: Context) =>
    c.req.header('authorization')?.match(/^Bearer ([A-Za-z0-9_-]{1,200})$/)?.[1] ?? '';

  // the routes that may hash: refused before the body is read when the hasher is full
  const gated = [signIn, completeRenewal, completeRecovery];
  const admit = gate.admit((c) => fail(c, GATE_FULL), {
    constant: true,
    paths: gated.map((route) => `${API_BASE}${route.path}`),
  });
  for (const route of gated) api.use(route.path, admit);

  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'The `sessionToken` of a sign-in.',
  });

  api.openapi(signIn, async (c) => {
    const body = c.req.valid('json');
    const tooMany = await limited(c, body.identifier);
    if (tooMany) return tooMany;
    const r = await atSignInFloor(
      deps.policies.signInFloorMs,
      () => uc.logIn({ identifier: body.identifier, password: body.password, context: ctx(c) }),
      () => gate.leave(c),
    );
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
  });

  api.openapi(resendRenewalCode, async (c) => {
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
  });

  api.openapi(completeRenewal, async (c) => {
    const b = c.req.valid('json');
    const r = await uc.completeRenewal({ ...b, context: ctx(c) });
    return r.isOk() ? c.json(r.value, 200) : fail(c, r.error);
  });

  api.openapi(requestRecovery, async (c) => {
    const b = c.req.valid('json');
    const tooMany = await limited(c, b.identifier);
    if (tooMany) return tooMany;
    const r = await uc.requestRecovery({ identifier: b.identifier, context: ctx(c) });
    return r.isOk() ? c.json(r.value, 200) : fail(c, r.error);
  });

  api.openapi(completeRecovery, async (c) => {
    const b = c.req.valid('json');
    const r = await uc.completeRecovery({ ...b, context: ctx(c) });
    return r.isOk() ? c.json(r.value, 200) : fail(c, r.error);
  });

  api.openapi(getSession, async (c) => {
    const r = await uc.validateSession({ token: bearerToken(c) });
    return r.isOk() ? c.json(me(r.value), 200) : fail(c, r.error);
  });

  api.openapi(selectCustomerNumber, async (c) => {
    const { customerNumber } = c.req.valid('json');
    const r = await uc.selectCustomerNumber({ token: bearerToken(c), customerNumber });
    if (r.isOk()) return c.json(me(r.value), 200);
    return fail(c, r.error, r.error.code === 'not_found' ? NOT_YOUR_CUSTOMER_NUMBER : undefined);
  });

  api.openapi(signOut, async (c) => {
    await uc.logOut({ token: bearerToken(c) });
    return c.body(null, 204);
  });

  api.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Renueva API',
      version: '1.0.0',
      description:
        'Sign-in, renewal and recovery for the billing portal. Errors are `{ error: { code, message } }` with Spanish (es-MX) messages, and each operation lists the codes it can answer; JSON bodies only (`application/json`). A wrong method answers 405 with `Allow`.',
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    servers: [{ url: API_BASE }],
  });
  return api;
}
