import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AccountRepository,
  type AuditLog,
  type Clock,
  createUseCases,
  type DeliveryEvents,
  type LegacyPasswordVerifier,
  type Mailer,
  type Outbox,
  type PasswordHasher,
  type PasswordStrength,
  type Policies,
  type Ports,
  type Secrets,
  type SessionStore,
  type UseCases,
} from '@renueva/domain';
import { Container } from 'inversify';
import type pg from 'pg';
import { type Logger, pino } from 'pino';
import { type Config, loadConfig } from './config.js';
import { Argon2PasswordHasher } from './crypto/argon2-password-hasher.js';
import { SchemeLegacyPasswordVerifier } from './crypto/legacy-password-verifier.js';
import { NodeSecrets } from './crypto/node-secrets.js';
import { SecretBox } from './crypto/secret-box.js';
import { WorkLimiter } from './crypto/work-limiter.js';
import { ZxcvbnPasswordStrength } from './crypto/zxcvbn-password-strength.js';
import { type DemoAccount, demoAccounts, demoImportRows } from './demo-accounts.js';
import { ConsoleMailer } from './mail/console-mailer.js';
import { DevMailbox } from './mail/dev-mailbox.js';
import { type Dispatcher, startDispatcher } from './mail/dispatcher.js';
import { PostmarkMailer } from './mail/postmark-mailer.js';
import type { RenderOptions } from './mail/templates.js';
import { createMemoryStore } from './memory/index.js';
import { Metrics, portsSnapshot, type StoreSnapshot } from './metrics.js';
import {
  memoryRateLimiters,
  postgresRateLimiters,
  type RateLimiterFactory,
} from './rate-limits.js';
import { type Database, migrate, openDatabase } from './sql/database.js';
import { PostgresAccountRepository } from './sql/postgres-account-repository.js';
import { PostgresAuditLog } from './sql/postgres-audit-log.js';
import { PostgresDeliveryEvents } from './sql/postgres-delivery-events.js';
import { PostgresOutbox } from './sql/postgres-outbox.js';
import { PostgresSessionStore } from './sql/postgres-session-store.js';
import { SystemClock } from './system-clock.js';

/** Everything a transport needs, resolved once. Handlers get plain values from it. */
export interface Renueva {
  config: Config;
  policies: Policies;
  useCases: UseCases;
  accounts: AccountRepository;
  outbox: Outbox;
  /** What time it is: the system clock, unless `overrides` pinned one. */
  clock: Clock;
  /** The last emails, only with the console mailer (development). */
  mailbox: DevMailbox | null;
  logger: Logger;
  /** The demo accounts this start seeded (`DEMO_ACCOUNTS` on, seeding asked for, the store empty); else none. */
  demoAccounts: DemoAccount[];
  /** The HTTP layer's rate limiters: shared through PostgreSQL, else in this process. */
  rateLimiters: RateLimiterFactory;
  /**
   * The one bound on password work (argon2id and slow legacy schemes): the HTTP layer
   * admits at most its `capacity` hashing requests at once (ADR 0014).
   */
  passwordWork: WorkLimiter;
  /** The argon2id hasher and the legacy verifier the use cases check passwords with. */
  hasher: PasswordHasher;
  legacy: LegacyPasswordVerifier;
  /** The Prometheus metrics, when `METRICS_PORT` or `METRICS_TOKEN` asks for them; else null (nothing counted). */
  metrics: Metrics | null;
  /** The store answers. */
  isReady(): Promise<boolean>;
  /** Starts the outbox dispatcher loop (serve runs it; CLI commands do not). */
  startDispatcher(): Dispatcher;
  close(): Promise<void>;
}

const T = {
  config: Symbol('Config'),
  logger: Symbol('Logger'),
  secret: Symbol('ServerSecret'),
  secretBox: Symbol('SecretBox'),
  database: Symbol('Database'),
  accounts: Symbol('AccountRepository'),
  sessions: Symbol('SessionStore'),
  outbox: Symbol('Outbox'),
  audit: Symbol('AuditLog'),
  hasher: Symbol('PasswordHasher'),
  legacy: Symbol('LegacyPasswordVerifier'),
  strength: Symbol('PasswordStrength'),
  clock: Symbol('Clock'),
  secrets: Symbol('Secrets'),
  mailbox: Symbol('DevMailbox'),
  mailer: Symbol('Mailer'),
  ports: Symbol('Ports'),
  useCases: Symbol('UseCases'),
} as const;

/**
 * The development secret: generated once into DATA_DIR so codes and sessions survive
 * restarts. Production must set RENUEVA_SECRET (config refuses to start without it).
 */
async function developmentSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** What the emails show of the portal: the same name, address, look and support as its pages. */
const renderOptions = (c: Config): RenderOptions => ({
  portalName: c.portalName,
  publicUrl: c.publicUrl,
  brand: c.brand,
  support: c.support,
});

interface Store {
  accounts: AccountRepository;
  sessions: SessionStore;
  outbox: Outbox;
  audit: AuditLog;
  deliveryEvents: DeliveryEvents;
  rateLimiters: RateLimiterFactory;
  /** The funnel and the outbox, for the metrics (read on scrape). */
  snapshot(): Promise<StoreSnapshot>;
  /** The PostgreSQL pool, for the metrics; null without one. */
  pool: pg.Pool | null;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

async function openStore(config: Config, box: SecretBox, share: boolean): Promise<Store> {
  if (config.store.kind === 'memory') {
    const store = createMemoryStore();
    return {
      ...store,
      rateLimiters: memoryRateLimiters,
      snapshot: () => portsSnapshot(store),
      pool: null,
      isReady: async () => true,
      close: async () => undefined,
    };
  }
  const db: Database = await openDatabase(
    config.store.kind === 'postgres'
      ? { databaseUrl: config.store.url }
      : { dataDir: config.store.dataDir, share },
  );
  await migrate(db);
  const accounts = new PostgresAccountRepository(db, box);
  const outbox = new PostgresOutbox(db, box);
  return {
    accounts,
    sessions: new PostgresSessionStore(db),
    outbox,
    audit: new PostgresAuditLog(db),
    deliveryEvents: new PostgresDeliveryEvents(db),
    // shared only when asked: in memory a sign-in costs no rate-limit round trips
    rateLimiters:
      db.pool && config.sharedRateLimits ? postgresRateLimiters(db.pool) : memoryRateLimiters,
    snapshot: async () => {
      const [counts, depth] = await Promise.all([accounts.countByStatus(), outbox.depth()]);
      return { accounts: counts, outbox: depth };
    },
    pool: db.pool,
    isReady: () =>
      db.query('select 1').then(
        () => true,
        () => false,
      ),
    close: () => db.close(),
  };
}

/**
 * The composition root: environment -> validated config -> adapters -> use cases.
 * The only place that knows which adapter plays which port. `overrides` replace
 * ports (tests pin the clock, for instance).
 */
export async function createRenueva(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Ports> = {},
  options: {
    seedDemoAccounts?: boolean;
    /** `serve`: offer the embedded store to the CLI on a unix socket in DATA_DIR (ADR 0013). */
    shareEmbeddedStore?: boolean;
    /**
     * `serve`: start the password threads and load the password-strength dictionaries now,
     * not at the first sign-in and the first renewal.
     */
    warm?: boolean;
  } = {},
): Promise<Renueva> {
  const config = loadConfig(env);
  // singletons: every port is built once (the store opens once)
  const container = new Container({ defaultScope: 'Singleton' });
  const bind = <V>(token: symbol) => container.bind<V>(token);

  bind<Config>(T.config).toConstantValue(config);
  bind<Logger>(T.logger).toConstantValue(
    pino({
      level: config.logLevel,
      redact: {
        paths: [
          'password',
          '*.password',
          'code',
          '*.code',
          'token',
          '*.token',
          '*.flowToken',
          '*.sessionToken',
        ],
        censor: '[redacted]',
      },
    }),
  );
  bind<string>(T.secret).toResolvedValue(
    (c: Config) =>
      c.secret ??
      (c.store.kind === 'memory'
        ? randomBytes(32).toString('base64url')
        : developmentSecret(c.dataDir)),
    [T.config],
  );
  bind<SecretBox>(T.secretBox).toResolvedValue(
    (secret: string) => new SecretBox(secret),
    [T.secret],
  );
  bind<Store>(T.database).toResolvedValue(
    (c: Config, box: SecretBox) => openStore(c, box, options.shareEmbeddedStore ?? false),
    [T.config, T.secretBox],
  );
  bind<Clock>(T.clock).toConstantValue(new SystemClock());
  bind(T.secrets).toResolvedValue((secret: string) => new NodeSecrets(secret), [T.secret]);
  // counted only when someone may read them: nothing is paid for metrics nobody exposes
  let metrics: Metrics | null = null;
  // one bound for all CPU-heavy password work: argon2id hashing and slow legacy schemes
  const passwordWork = new WorkLimiter({
    observer: config.metrics
      ? {
          waited: (s) => metrics?.passwordWork.waited(s),
          rejected: () => metrics?.passwordWork.rejected(),
        }
      : undefined,
  });
  bind(T.hasher).toResolvedValue(async () => {
    const hasher = Argon2PasswordHasher.create(passwordWork);
    if (options.warm) await hasher.warm();
    return hasher;
  });
  bind(T.legacy).toResolvedValue(() => new SchemeLegacyPasswordVerifier(passwordWork));
  bind(T.strength).toResolvedValue(() => {
    const strength = new ZxcvbnPasswordStrength();
    if (options.warm) strength.warm();
    return strength;
  });
  bind<DevMailbox | null>(T.mailbox).toResolvedValue(
    (c: Config) => (c.mailer.kind === 'console' ? new DevMailbox() : null),
    [T.config],
  );
  bind<Mailer>(T.mailer).toResolvedValue(
    (c: Config, mailbox: DevMailbox | null) =>
      c.mailer.kind === 'postmark'
        ? new PostmarkMailer({
            serverToken: c.mailer.serverToken,
            apiUrl: c.mailer.apiUrl,
            messageStream: c.mailer.messageStream,
            from: c.mailFrom,
            ...renderOptions(c),
          })
        : new ConsoleMailer({ mailbox, ...renderOptions(c) }),
    [T.config, T.mailbox],
  );
  bind<Ports>(T.ports).toResolvedValue(
    (
      store: Store,
      hasher: PasswordHasher,
      legacy: LegacyPasswordVerifier,
      strength: PasswordStrength,
      clock: Clock,
      secrets: Secrets,
      mailer: Mailer,
    ): Ports => {
      const ports: Ports = {
        accounts: store.accounts,
        sessions: store.sessions,
        outbox: store.outbox,
        audit: store.audit,
        deliveryEvents: store.deliveryEvents,
        hasher,
        legacy,
        strength,
        clock,
        secrets,
        mailer,
        policies: config.policies,
        ...overrides,
      };
      if (!config.metrics) return ports;
      metrics = new Metrics({
        store: () => store.snapshot(),
        hashQueue: () => passwordWork.load,
        pool: store.pool,
        clock: ports.clock,
        onError: (err) =>
          container.get<Logger>(T.logger).warn({ err }, 'metrics: reading the store failed'),
      });
      return metrics.meterPorts(ports);
    },
    [T.database, T.hasher, T.legacy, T.strength, T.clock, T.secrets, T.mailer],
  );
  bind<UseCases>(T.useCases).toResolvedValue(
    (ports: Ports) => metrics?.meterUseCases(createUseCases(ports)) ?? createUseCases(ports),
    [T.ports],
  );

  const store = await container.getAsync<Store>(T.database);
  const ports = await container.getAsync<Ports>(T.ports);
  const useCases = await container.getAsync<UseCases>(T.useCases);
  const logger = container.get<Logger>(T.logger);
  const mailbox = await container.getAsync<DevMailbox | null>(T.mailbox);

  // only the portal seeds demo accounts (`renueva serve`), never an import or a stats run
  let seeded = false;
  if (config.demoAccounts && options.seedDemoAccounts) {
    const counts = await ports.accounts.countByStatus();
    if (counts.legacy + counts.pending_renewal + counts.migrated === 0) {
      const outcome = await useCases.importLegacyAccounts({
        rows: demoImportRows(),
        dryRun: false,
      });
      logger.info({ inserted: outcome.inserted }, 'demo legacy accounts seeded');
      seeded = true;
    }
  }

  return {
    config,
    policies: config.policies,
    useCases,
    accounts: ports.accounts,
    outbox: ports.outbox,
    clock: ports.clock,
    mailbox,
    logger,
    demoAccounts: seeded ? demoAccounts : [],
    rateLimiters: store.rateLimiters,
    passwordWork,
    hasher: ports.hasher,
    legacy: ports.legacy,
    metrics,
    isReady: () => store.isReady(),
    startDispatcher: () =>
      startDispatcher({
        deliver: () => useCases.deliverPendingEmails({ limit: 50 }),
        intervalMs: config.dispatchIntervalMs,
        logger,
      }),
    close: () => store.close(),
  };
}
