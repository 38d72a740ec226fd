import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './app.js';
import type { AppDeps } from './deps.js';

export interface RunningServer {
  url: string;
  /** Stops accepting connections and waits for in-flight requests. */
  close(): Promise<void>;
}

/** Serves the app on Node; SIGTERM/SIGINT close it gracefully when `handleSignals` is set. */
export async function startServer(
  deps: AppDeps,
  listen: {
    port: number;
    hostname: string;
    handleSignals?: boolean;
    onClose?: () => Promise<void>;
  },
): Promise<RunningServer> {
  const app = createApp(deps);
  // a listen error (the port taken meanwhile) rejects instead of crashing the process
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: listen.port, hostname: listen.hostname }, () =>
      resolve(s),
    );
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // idle keep-alive sockets would hold close() open
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    }).then(() => listen.onClose?.());
    return closing;
  };
  if (listen.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void close());
  }
  return {
    url: `http://${listen.hostname.includes(':') ? `[${listen.hostname}]` : listen.hostname}:${port}`,
    close,
  };
}
