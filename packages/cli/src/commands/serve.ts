import { createServer } from 'node:net';
import { createRenueva, loadConfig } from '@renueva/adapters';
import { startServer } from '@renueva/http';
import type { CommandContext } from '../context.js';
import { CliError } from '../output.js';

/** The one line for an address we cannot listen on. */
const listenError = (error: NodeJS.ErrnoException, port: number, host: string) =>
  new CliError(
    error.code === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use; stop what listens there or choose another port (--port or PORT)`
      : `cannot listen on ${host}:${port} (${error.code ?? error.message})`,
  );

/** Fails with one line when the address is taken, before the store is opened or seeded. */
async function ensurePortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, host)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** `renueva serve`: the portal, the outbox dispatcher, demo accounts in development. */
export async function serve(ctx: CommandContext, options: { port?: number }): Promise<void> {
  const env = options.port !== undefined ? { ...ctx.env, PORT: String(options.port) } : ctx.env;
  const settings = loadConfig(env);
  await ensurePortFree(settings.port, settings.host);
  // the embedded store is offered on a unix socket in DATA_DIR, so CLI commands work beside us
  const renueva = await createRenueva(
    env,
    {},
    { seedDemoAccounts: true, shareEmbeddedStore: true },
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
        options: {
          publicUrl: config.publicUrl,
          portalName: config.portalName,
          brand: config.brand,
          support: config.support,
          trustProxy: config.trustProxy,
          postmarkWebhook: config.postmarkWebhook,
        },
      },
      {
        port: config.port,
        hostname: config.host,
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
    throw listenError(error as NodeJS.ErrnoException, config.port, config.host);
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
