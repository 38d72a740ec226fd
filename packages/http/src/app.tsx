import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { TrieRouter } from 'hono/router/trie-router';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { hashingGate } from './admission.js';
import { API_BASE, apiRoutes } from './api/routes.js';
import { cookieJar } from './cookies.js';
import { type AppDeps, resolveOptions } from './deps.js';
import { LIVENESS } from './early-answers.js';
import { rateLimits } from './limits.js';
import { REQUEST_REFUSED, UNAVAILABLE_RETRY_SECONDS } from './messages.js';
import { metricsRoute, requestMetrics } from './metrics.js';
import { MessagePage } from './pages/forms.js';
import { pageRoutes } from './pages/routes.js';
import { SCRIPT_HASH } from './pages/script.js';
import { postmarkWebhook } from './webhooks/postmark.js';

const isApi = (path: string) => path.startsWith('/api/');
/** Server-to-server calls: JSON answers, their own body limit, no browser origin to check. */
const isWebhook = (path: string) => path.startsWith('/webhooks/');
/** The methods whose body a route reads; any other method's body is never read. */
const TAKES_BODY = ['POST', 'PUT', 'PATCH'];

/**
 * The methods `app` answers on a path, read from its routes once they are all in
 * (middleware, registered for every method, does not count); HEAD comes with GET.
 */
function allowedMethods(app: Hono): (path: string) => string[] {
  let table: { router: TrieRouter<true>; methods: string[] } | null = null;
  return (path) => {
    if (!table) {
      const router = new TrieRouter<true>();
      const endpoints = app.routes.filter((r) => r.method !== 'ALL');
      for (const r of endpoints) router.add(r.method, r.path, true);
      table = { router, methods: [...new Set(endpoints.map((r) => r.method))] };
    }
    const { router, methods } = table;
    const allowed = methods.filter((m) => router.match(m, path)[0].length > 0);
    return (allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed).sort();
  };
}

/**
 * Serves a GET answer that depends on nothing in the request (no query string) from
 * memory: the first such request goes through the app and its answer is kept.
 */
function constantAnswer(): MiddlewareHandler {
  // Bytes and a plain header object (Content-Length included): @hono/node-server writes
  // such a Response straight out, without building a `Headers` per request.
  let kept: { body: Uint8Array; headers: Record<string, string> } | null = null;
  return async (c, next) => {
    if (c.req.url.includes('?')) return next();
    if (kept) return new Response(kept.body, { status: 200, headers: kept.headers });
    await next();
    const res = c.res;
    if (res.status === 200 && !res.headers.has('set-cookie')) {
      const body = new Uint8Array(await res.clone().arrayBuffer());
      const headers = Object.fromEntries(res.headers);
      headers['content-length'] = String(body.byteLength);
      kept = { body, headers };
    }
  };
}

/** The portal: pages + JSON API, built from plain values (see `AppDeps`). */
export function createApp(deps: AppDeps) {
  return createPortal(deps).app;
}

/** The app, and its hashing gate (Node's listener answers its kept refusals: server.ts). */
export function createPortal(deps: AppDeps) {
  const options = resolveOptions(deps.options);
  const jar = cookieJar(options);
  const limit = rateLimits(
    {
      perIp: deps.policies.rateLimitPerIpPerMinute,
      perIdentifier: deps.policies.rateLimitPerIdentifierPerMinute,
    },
    deps.rateLimiters,
  );
  // one count for the API and the forms: they share the one hasher
  const gate = hashingGate(deps.passwordWork);
  const app = new Hono();
  const publicOrigin = new URL(options.publicUrl).origin;

  const failure = (
    path: string,
    status: ContentfulStatusCode,
    code: string,
    message: string,
    title = 'Error',
  ) =>
    isApi(path) || isWebhook(path)
      ? Response.json(
          { error: { code, message } },
          { status, headers: { 'Cache-Control': 'no-store' } },
        )
      : new Response(
          (
            <MessagePage
              site={options}
              title={title}
              notice={{ kind: 'error', title, text: message }}
            />
          ).toString(),
          {
            status,
            headers: { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-store' },
          },
        );

  // first, so every answer is counted, the ones a later middleware gives too
  if (deps.metrics) app.use('*', requestMetrics(deps.metrics));
  // outside everything else but the metrics: a refusal of the gate is kept with all its headers
  if (deps.passwordWork) app.use('*', gate.keeper());
  // The liveness probe: the same bytes every time, none of the browser-facing headers
  // below (on Node it is answered before the app, in the request listener: early-answers.ts).
  app.get('/healthz', () => new Response(LIVENESS.body, { headers: LIVENESS.headers }));
  // Answers that are the same for every request: built once (through the whole chain
  // below, so with the same headers) and served from memory after that.
  app.get('/iniciar-sesion', constantAnswer());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        // the one inline script, by its hash: no 'unsafe-inline' for scripts
        scriptSrc: ["'self'", SCRIPT_HASH],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: [
          "'self'",
          'data:',
          ...(options.brand.logoUrl ? [new URL(options.brand.logoUrl).origin] : []),
        ],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      strictTransportSecurity: options.secureCookies
        ? 'max-age=31536000; includeSubDomains'
        : false,
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    // auth pages and answers carry codes, tokens and personal data: never cache them.
    // Set on the answer's own headers (as secureHeaders does): `c.header()` on a finished
    // answer would copy it into a new web Response.
    const headers = c.res.headers;
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  });
  // a known path asked with a method it does not answer: 405, before the body is looked at
  const allowed = allowedMethods(app);
  app.use('*', async (c, next) => {
    const methods = allowed(c.req.path);
    if (methods.length === 0 || methods.includes(c.req.method)) return next();
    const res = failure(c.req.path, 405, 'method_not_allowed', REQUEST_REFUSED.method_not_allowed);
    res.headers.set('Allow', methods.join(', '));
    return res;
  });
  const tooLarge = (c: Context) =>
    failure(c.req.path, 413, 'payload_too_large', REQUEST_REFUSED.payload_too_large);
  const limitBody = bodyLimit({ maxSize: options.maxBodyBytes, onError: tooLarge });
  app.use('*', async (c, next) => {
    if (!TAKES_BODY.includes(c.req.method) || isWebhook(c.req.path)) return next();
    // A declared length decides alone, as in `bodyLimit` (Node's parser reads no more than
    // it), and without touching `c.req.raw.body`: that would make @hono/node-server build
    // a web Request and stream for the body instead of reading it from the socket.
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined)
      return limitBody(c, next);
    return Number.parseInt(length, 10) > options.maxBodyBytes ? tooLarge(c) : next();
  });
  // forms: the browser's Origin (or Sec-Fetch-Site) must be ours. The API is exempt:
  // it takes only application/json (a cross-site form cannot send that without a CORS
  // preflight, which is never granted) and authenticates with a bearer token, not a cookie.
  const checkOrigin = csrf({
    origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin,
  });
  app.use('*', (c, next) =>
    isApi(c.req.path) || isWebhook(c.req.path) ? next() : checkOrigin(c, next),
  );
  app.use(`${API_BASE}/*`, async (c, next) => {
    if (TAKES_BODY.includes(c.req.method)) {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type))
        return failure(
          c.req.path,
          415,
          'unsupported_media_type',
          REQUEST_REFUSED.unsupported_media_type,
        );
    }
    await next();
  });

  app.get('/readyz', async (c) => {
    const ready = await deps.isReady().catch(() => false);
    return c.json({ status: ready ? 'ready' : 'unavailable' }, ready ? 200 : 503);
  });
  if (deps.metrics && options.metricsToken)
    app.route('/', metricsRoute(deps.metrics, options.metricsToken));
  app.route(API_BASE, apiRoutes(deps, options, limit, gate));
  app.route('/webhooks', postmarkWebhook(deps, options.postmarkWebhook));
  app.route('/', pageRoutes(deps, options, jar, limit, gate));

  app.notFound((c) =>
    failure(c.req.path, 404, 'not_found', 'No encontramos la página que buscas.'),
  );
  app.onError(async (error, c) => {
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      const message =
        status === 403
          ? 'La solicitud no vino de este portal. Recarga la página e inténtalo de nuevo.'
          : status === 400
            ? 'La solicitud no es válida (revisa que el cuerpo sea JSON bien formado).'
            : 'No pudimos procesar la solicitud.';
      return failure(c.req.path, status, status === 403 ? 'forbidden' : 'bad_request', message);
    }
    // the store does not answer (PostgreSQL restarting, the network): not a bug, a
    // moment to wait. Asked only on this path, so it costs nothing when all is well.
    if (!(await deps.isReady().catch(() => false))) {
      const res = failure(
        c.req.path,
        503,
        'unavailable',
        REQUEST_REFUSED.unavailable,
        'Servicio no disponible',
      );
      res.headers.set('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
      return res;
    }
    // a 5xx is a bug: log it (never the body: it may hold a password), answer generically
    deps.logger.error({ err: error, path: c.req.path, method: c.req.method }, 'unhandled error');
    return failure(
      c.req.path,
      500,
      'internal',
      'Ocurrió un error inesperado. Inténtalo de nuevo más tarde.',
    );
  });
  return { app, gate };
}

export type App = ReturnType<typeof createApp>;
