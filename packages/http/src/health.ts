import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AppMetrics } from './deps.js';

/**
 * The liveness probe's answer: read by load balancers, never by a browser, so none of
 * the browser-facing headers; the same bytes every time.
 */
const body = new TextEncoder().encode('{"status":"ok"}');
export const LIVENESS = {
  body,
  headers: {
    'content-type': 'application/json',
    'content-length': String(body.byteLength),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  },
};

/**
 * Answers `GET /healthz` in Node's request listener, before the app: the probe says
 * the process serves requests, and nothing of the app's chain (a `Request`, the router,
 * the middleware, a `Response`) has anything to add to that. The app answers the same
 * bytes itself for what does not come through here (`app.request()`, HEAD, a query).
 */
export function livenessFirst(
  listener: RequestListener,
  metrics: AppMetrics | null | undefined,
): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== '/healthz' || req.method !== 'GET') return listener(req, res);
    const started = metrics ? performance.now() : 0;
    res.writeHead(200, LIVENESS.headers).end(LIVENESS.body);
    metrics?.observeRequest({
      method: 'GET',
      route: '/healthz',
      status: 200,
      seconds: (performance.now() - started) / 1000,
    });
  };
}
