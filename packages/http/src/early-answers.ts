import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { KeptAnswer } from './admission.js';
import type { AppMetrics } from './deps.js';

const body = new TextEncoder().encode('{"status":"ok"}');
/**
 * The liveness probe's answer: read by load balancers, never by a browser, so none of
 * the browser-facing headers; the same bytes every time.
 */
export const LIVENESS: KeptAnswer = {
  status: 200,
  body,
  headers: {
    'content-type': 'application/json',
    'content-length': String(body.byteLength),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  },
};

/**
 * Answers in Node's request listener, before the app, what needs nothing of it:
 * - `GET /healthz`: the probe says the process serves requests; a `Request`, the router,
 *   the middleware and a `Response` have nothing to add to that;
 * - a sign-in (or another hashing route) while the hashing gate is full: its refusal as
 *   the app gave it the first time (`refusal`, see admission.ts), the body left unread.
 * Each is counted in the metrics as the app would have. The app answers the same bytes
 * itself for what does not come through here (`app.request()`, HEAD, a query string).
 */
export function earlyAnswers(
  listener: RequestListener,
  refusal: (method: string | undefined, url: string | undefined) => KeptAnswer | null,
  metrics: AppMetrics | null | undefined,
): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const answer =
      req.method === 'GET' && req.url === '/healthz' ? LIVENESS : refusal(req.method, req.url);
    if (!answer) return listener(req, res);
    const started = metrics ? performance.now() : 0;
    res.writeHead(answer.status, answer.headers).end(answer.body);
    metrics?.observeRequest({
      method: req.method as string,
      route: req.url as string,
      status: answer.status,
      seconds: (performance.now() - started) / 1000,
    });
  };
}
