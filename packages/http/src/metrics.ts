import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { isPriming } from './admission.js';
import type { AppMetrics } from './deps.js';

/** The label of an answer no route matched (a scanner's probe, a typo): never the raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Reports every answer to the metrics with the route pattern that matched it (the
 * router's own table, so an answer a middleware gave, a 413 or a 405, still names it).
 */
export function requestMetrics(metrics: AppMetrics): MiddlewareHandler {
  return async (c, next) => {
    if (isPriming(c)) return next(); // the gate's own, at start-up: no one's request
    const started = performance.now();
    try {
      await next();
    } finally {
      // the last endpoint (not middleware, registered for every method) the router matched
      let route = UNMATCHED_ROUTE;
      for (const r of matchedRoutes(c)) if (r.method !== 'ALL') route = r.path;
      metrics.observeRequest({
        method: c.req.method,
        route,
        status: c.res.status,
        seconds: (performance.now() - started) / 1000,
      });
    }
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /metrics` in Prometheus' text format; with a `token`, only for
 * `Authorization: Bearer <token>` (compared in constant time), else a 401.
 */
export function metricsRoute(metrics: AppMetrics, token: string | null) {
  const expected = token === null ? null : digest(token);
  return new Hono().get('/metrics', async (c) => {
    if (expected) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), expected))
        return c.text('Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n', 401, {
          'WWW-Authenticate': 'Bearer realm="metrics"',
        });
    }
    const { contentType, body } = await metrics.scrape();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
}

/** The metrics port's whole app: `GET /metrics` and nothing else. */
export function createMetricsApp(metrics: AppMetrics, token: string | null) {
  const app = new Hono();
  app.route('/', metricsRoute(metrics, token));
  app.notFound((c) => c.text('Not found: the metrics are at /metrics\n', 404));
  app.onError((_error, c) => c.text('The metrics could not be read\n', 500));
  return app;
}
