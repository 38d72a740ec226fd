import { createServer } from 'node:net';
import { createRenueva, loadConfig } from '@renueva/adapters';
import { startServer } from '@renueva/http';
import type { CommandContext } from '../context.js';
import { CliError } from '../output.js';

/** The one line for an address we cannot listen on. */
const listenError = (
  error: NodeJS.ErrnoException,
  port: number,
  host: string,
  setting = '--port or PORT',
) =>
  new CliError(
    error.code === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use; stop what listens there or choose another port (${setting})`
      : `cannot listen on ${host}:${port} (${error.code ?? error.message})`,
  );

/** Fails with one line when the address is taken, before the store is opened or seeded. */
async function ensurePortFree(port: number, host: string, setting?: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(listenError(error, port, host, setting)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** `renueva serve`: the portal, the outbox dispatcher, demo accounts in development. */
export async function serve(ctx: CommandContext, options: { port?: number }): Promise<void> {
  const env = options.port !== undefined ? { ...ctx.env, PORT: String(options.port) } : ctx.env;
  const settings = loadConfig(env);
  await ensurePortFree(settings.port, settings.host);
  if (settings.metrics?.port != null)
    await ensurePortFree(settings.metrics.port, settings.metrics.host, 'METRICS_PORT');
  // the embedded store is offered on a unix socket in DATA_DIR, so CLI commands work beside us
  const renueva = await createRenueva(
    env,
    {},
    { seedDemoAccounts: true, shareEmbeddedStore: true, warm: true },
  );
  const { config } = renueva;
  const dispatcher = renueva.startDispatcher();
  let closed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    closed = resolve;
  });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(
      {
        useCases: renueva.useCases,
        policies: renueva.policies,
        mailbox: renueva.mailbox,
        isReady: renueva.isReady,
        logger: renueva.logger,
        clock: renueva.clock,
        rateLimiters: renueva.rateLimiters,
        passwordWork: renueva.passwordWork,
        metrics: renueva.metrics,
        options: {
          publicUrl: config.publicUrl,
          portalName: config.portalName,
          brand: config.brand,
          support: config.support,
          trustProxy: config.trustProxy,
          postmarkWebhook: config.postmarkWebhook,
          // on the portal's port only behind a token, and only when they have no port of their own
          metricsToken: config.metrics?.port === null ? config.metrics.token : null,
        },
      },
      {
        port: config.port,
        hostname: config.host,
        metrics:
          config.metrics?.port != null
            ? {
                port: config.metrics.port,
                hostname: config.metrics.host,
                token: config.metrics.token,
              }
            : null,
        handleSignals: true,
        onClose: async () => {
          await dispatcher.stop();
          await renueva.close();
          closed();
        },
      },
    );
  } catch (error) {
    // taken between the check and now
    await dispatcher.stop();
    await renueva.close();
    const e = error as NodeJS.ErrnoException & { port?: number; address?: string };
    if (e.syscall !== 'listen') throw error;
    throw listenError(e, e.port ?? config.port, e.address ?? config.host);
  }
  const store =
    config.store.kind === 'pglite'
      ? `embedded PostgreSQL in ${config.store.dataDir}, shared with renueva commands`
      : config.store.kind === 'postgres'
        ? 'PostgreSQL (DATABASE_URL)'
        : 'memory';
  ctx.io.out(
    `Renueva is serving ${config.portalName} on ${server.url} (${store}, ${config.mailer.kind} mailer)`,
  );
  if (server.metricsUrl) ctx.io.out(`Prometheus metrics at ${server.metricsUrl}/metrics`);
  else if (config.metrics) ctx.io.out(`Prometheus metrics at ${server.url}/metrics (bearer token)`);
  if (renueva.mailbox)
    ctx.io.out(`Emails are printed here and shown at ${server.url}/_dev/mailbox`);
  if (renueva.demoAccounts.length > 0) {
    ctx.io.out('\nDemo legacy accounts (username / password / customer number: what it shows):');
    for (const a of renueva.demoAccounts)
      ctx.io.out(
        `  ${a.username.padEnd(18)} ${a.password.padEnd(16)} ${a.customerNumber}  ${a.note}`,
      );
    ctx.io.out('');
  }
  await done;
}
