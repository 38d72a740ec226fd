import { createServer, type RequestListener, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createPortal } from './app.js';
import type { AppDeps } from './deps.js';
import { earlyAnswers } from './early-answers.js';
import { createMetricsApp } from './metrics.js';

export interface RunningServer {
  url: string;
  /** Where `GET /metrics` answers on its own port; null when it has none. */
  metricsUrl: string | null;
  /** Stops accepting connections and waits for in-flight requests. */
  close(): Promise<void>;
}

async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  hostname: string,
  /** Wraps the listener @hono/node-server makes of `fetch` (answers before the app). */
  before: (listener: RequestListener) => RequestListener = (listener) => listener,
): Promise<{ url: string; close(): Promise<void> }> {
  // what @hono/node-server's `serve` does, with room for `before`; a listen error (the
  // port taken meanwhile) rejects instead of crashing the process
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer(before(getRequestListener(fetch, { hostname })));
    s.listen(port, hostname, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // idle keep-alive sockets would hold close() open
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}

/**
 * Serves the app on Node, and `deps.metrics` on their own port when `listen.metrics`
 * says where; SIGTERM/SIGINT close it gracefully when `handleSignals` is set.
 */
export async function startServer(
  deps: AppDeps,
  listenOn: {
    port: number;
    hostname: string;
    /** A port of its own for `GET /metrics` (with `token`, only for that bearer token). */
    metrics?: { port: number; hostname: string; token: string | null } | null;
    handleSignals?: boolean;
    onClose?: () => Promise<void>;
  },
): Promise<RunningServer> {
  const { app, gate } = createPortal(deps);
  // the refusals of a full gate are bytes before the first burst arrives
  await gate.prime(app);
  const portal = await listen(app.fetch, listenOn.port, listenOn.hostname, (listener) =>
    earlyAnswers(listener, gate.early, deps.metrics),
  );
  const metrics =
    deps.metrics && listenOn.metrics
      ? await listen(
          createMetricsApp(deps.metrics, listenOn.metrics.token).fetch,
          listenOn.metrics.port,
          listenOn.metrics.hostname,
        ).catch(async (error: unknown) => {
          await portal.close(); // the portal alone would keep the process alive
          throw error;
        })
      : null;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= Promise.all([portal.close(), metrics?.close()]).then(() => listenOn.onClose?.());
    return closing;
  };
  if (listenOn.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void close());
  }
  return { url: portal.url, metricsUrl: metrics?.url ?? null, close };
}
