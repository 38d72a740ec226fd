import { createRenueva } from '@renueva/adapters';
import { startServer } from '@renueva/http';
import type { CommandContext } from '../context.js';

/** `renueva serve`: the portal, the outbox dispatcher, demo accounts in development. */
export async function serve(ctx: CommandContext, options: { port?: number }): Promise<void> {
  const env = options.port !== undefined ? { ...ctx.env, PORT: String(options.port) } : ctx.env;
  const renueva = await createRenueva(env, {}, { seedDemoAccounts: true });
  const { config } = renueva;
  const dispatcher = renueva.startDispatcher();
  let closed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const server = await startServer(
    {
      useCases: renueva.useCases,
      policies: renueva.policies,
      mailbox: renueva.mailbox,
      isReady: renueva.isReady,
      logger: renueva.logger,
      clock: renueva.clock,
      rateLimiters: renueva.rateLimiters,
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
  const store =
    config.store.kind === 'pglite'
      ? `embedded PostgreSQL in ${config.store.dataDir}`
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
