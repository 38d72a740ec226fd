import { type Policies, type PolicyOverrides, policiesSchema } from '@renueva/domain';
import { z } from 'zod';
import {
  type Brand,
  contrastWithWhite,
  DEFAULT_BRAND,
  MIN_CONTRAST,
  type SupportContacts,
} from './brand.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A brand colour: `#rrggbb` that white text on it (and it on white) can be read against. */
const brandColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour as #rrggbb')
  .refine((c) => contrastWithWhite(c) >= MIN_CONTRAST, {
    error: (issue) =>
      `white text on ${String(issue.input)} reaches ${contrastWithWhite(String(issue.input)).toFixed(2)}:1, below WCAG AA's ${MIN_CONTRAST}:1: choose a darker colour`,
  })
  .transform((c) => c.toLowerCase());

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  /** Behind a reverse proxy: take the client IP from X-Forwarded-For (rate limits, audit). */
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /**
   * Where the sign-in rate limits count: `process` (in memory, no database round trip;
   * one instance) or `postgres` (shared by every instance on DATABASE_URL).
   */
  RATE_LIMIT_STORE: z.enum(['process', 'postgres']).default('process'),
  /** `memory` is for tests and demos: nothing survives a restart. */
  STORE: z.enum(['sql', 'memory']).default('sql'),
  DATABASE_URL: optionalString.pipe(
    z
      .url({
        protocol: /^postgres(ql)?$/,
        error:
          'expected a PostgreSQL URL, postgres://user:password@host:5432/database (unset it to use the embedded store in DATA_DIR)',
      })
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('./.renueva'),
  RENUEVA_SECRET: optionalString.pipe(
    z
      .string()
      .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)')
      .optional(),
  ),
  MAILER: z.enum(['console', 'postmark']).default('console'),
  POSTMARK_SERVER_TOKEN: optionalString,
  POSTMARK_API_URL: optionalString.pipe(z.url().optional()),
  POSTMARK_MESSAGE_STREAM: z.string().default('outbound'),
  /** Who may call POST /webhooks/postmark: basic auth (in the webhook URL) and/or a secret header. */
  POSTMARK_WEBHOOK_USERNAME: optionalString.pipe(
    z
      .string()
      .regex(/^[^:\s]{1,100}$/, 'expected 1 to 100 characters, no colon or space')
      .optional(),
  ),
  POSTMARK_WEBHOOK_PASSWORD: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  ),
  POSTMARK_WEBHOOK_TOKEN: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  ),
  /** Who may read GET /metrics: a bearer token; absent with no METRICS_PORT: nobody. */
  METRICS_TOKEN: optionalString.pipe(
    z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  ),
  /** Serve GET /metrics on this port (and nothing else there), not the portal's. */
  METRICS_PORT: optionalString.pipe(
    z.coerce.number<string | undefined>().int().min(0).max(65_535).optional(),
  ),
  METRICS_HOST: optionalString,
  MAIL_FROM: z.string().default('Portal de Facturación <no-reply@localhost>'),
  PORTAL_NAME: z.string().trim().min(1).max(80).default('Portal de Facturación'),
  /** The logo in the pages' and emails' header; absent: the portal's name as text. */
  BRAND_LOGO_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  BRAND_PRIMARY_COLOR: brandColor.default(DEFAULT_BRAND.primaryColor),
  BRAND_ACCENT_COLOR: brandColor.default(DEFAULT_BRAND.accentColor),
  BRAND_FOOTER_TEXT: optionalString.pipe(z.string().max(200).optional()),
  /** How customers reach support, shown wherever a page or an email names it. */
  SUPPORT_EMAIL: optionalString.pipe(z.email().optional()),
  SUPPORT_PHONE: optionalString.pipe(
    z
      .string()
      .regex(/^\+?[0-9][0-9 ().-]{5,24}$/, 'expected a phone number: digits, spaces, + ( ) . -')
      .optional(),
  ),
  SUPPORT_HOURS: optionalString.pipe(z.string().max(120).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seed demo legacy accounts into an empty store at start-up (development only). */
  DEMO_ACCOUNTS: z.enum(['true', 'false']).optional(),
  /** Outbox dispatcher period. */
  DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  trustProxy: boolean;
  /** Rate limits shared through PostgreSQL (several instances) instead of this process. */
  sharedRateLimits: boolean;
  store:
    | { kind: 'memory' }
    | { kind: 'postgres'; url: string }
    | { kind: 'pglite'; dataDir: string };
  dataDir: string;
  /** Null in development: generated once into DATA_DIR by the container. */
  secret: string | null;
  mailer:
    | { kind: 'console' }
    | { kind: 'postmark'; serverToken: string; apiUrl: string | null; messageStream: string };
  mailFrom: string;
  /** Credentials of POST /webhooks/postmark; null: none set, the route answers 404. */
  postmarkWebhook: {
    basicAuth: { username: string; password: string } | null;
    token: string | null;
  } | null;
  /**
   * Who reads the Prometheus metrics: on their own port (`port`, on `host`), and/or on
   * the portal's port behind a bearer token. Null: neither set, nothing is exposed.
   */
  metrics: { port: number | null; host: string; token: string | null } | null;
  portalName: string;
  brand: Brand;
  support: SupportContacts;
  logLevel: string;
  demoAccounts: boolean;
  dispatchIntervalMs: number;
  policies: Policies;
}

/** A configuration error that names the variable at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `POLICY_CODE_LIFETIME_SECONDS` <-> `codeLifetimeSeconds`. */
const policyEnvName = (key: string): string =>
  `POLICY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

function readPolicies(env: NodeJS.ProcessEnv): Policies {
  const overrides: Record<string, number> = {};
  const keys = Object.keys(policiesSchema.shape) as (keyof PolicyOverrides)[];
  for (const key of keys) {
    const name = policyEnvName(key);
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new ConfigError(`${name}: expected a number, got "${raw}"`);
    overrides[key] = value;
  }
  const parsed = policiesSchema.safeParse(overrides);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  const name = typeof key === 'string' ? policyEnvName(key) : 'POLICY_*';
  throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}`);
}

/**
 * Reads and validates the environment. Throws a `ConfigError` whose message starts
 * with the name of the bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${String(issue?.path[0] ?? 'environment')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.RENUEVA_SECRET)
    throw new ConfigError('RENUEVA_SECRET: required in production (at least 32 characters)');
  if (e.MAILER === 'postmark' && !e.POSTMARK_SERVER_TOKEN)
    throw new ConfigError('POSTMARK_SERVER_TOKEN: required when MAILER=postmark');
  if (!e.POSTMARK_WEBHOOK_USERNAME !== !e.POSTMARK_WEBHOOK_PASSWORD)
    throw new ConfigError(
      `${e.POSTMARK_WEBHOOK_USERNAME ? 'POSTMARK_WEBHOOK_PASSWORD' : 'POSTMARK_WEBHOOK_USERNAME'}: set both POSTMARK_WEBHOOK_USERNAME and POSTMARK_WEBHOOK_PASSWORD, or neither`,
    );
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT)
    throw new ConfigError(
      "METRICS_PORT: must differ from PORT (to serve the metrics on the portal's port, set only METRICS_TOKEN)",
    );
  if (e.METRICS_HOST && e.METRICS_PORT === undefined)
    throw new ConfigError('METRICS_HOST: only used with METRICS_PORT; set it too');
  if (e.MAILER === 'postmark' && e.MAIL_FROM.includes('@localhost'))
    throw new ConfigError(
      'MAIL_FROM: set a sender address verified in Postmark when MAILER=postmark',
    );
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    trustProxy: e.TRUST_PROXY === 'true',
    sharedRateLimits: e.RATE_LIMIT_STORE === 'postgres',
    store:
      e.STORE === 'memory'
        ? { kind: 'memory' }
        : e.DATABASE_URL
          ? { kind: 'postgres', url: e.DATABASE_URL }
          : { kind: 'pglite', dataDir: e.DATA_DIR },
    dataDir: e.DATA_DIR,
    secret: e.RENUEVA_SECRET ?? null,
    mailer:
      e.MAILER === 'postmark'
        ? {
            kind: 'postmark',
            serverToken: e.POSTMARK_SERVER_TOKEN as string,
            apiUrl: e.POSTMARK_API_URL ?? null,
            messageStream: e.POSTMARK_MESSAGE_STREAM,
          }
        : { kind: 'console' },
    mailFrom: e.MAIL_FROM,
    postmarkWebhook:
      e.POSTMARK_WEBHOOK_TOKEN || e.POSTMARK_WEBHOOK_USERNAME
        ? {
            basicAuth:
              e.POSTMARK_WEBHOOK_USERNAME && e.POSTMARK_WEBHOOK_PASSWORD
                ? { username: e.POSTMARK_WEBHOOK_USERNAME, password: e.POSTMARK_WEBHOOK_PASSWORD }
                : null,
            token: e.POSTMARK_WEBHOOK_TOKEN ?? null,
          }
        : null,
    metrics:
      e.METRICS_PORT !== undefined || e.METRICS_TOKEN
        ? {
            port: e.METRICS_PORT ?? null,
            host: e.METRICS_HOST ?? e.HOST,
            token: e.METRICS_TOKEN ?? null,
          }
        : null,
    portalName: e.PORTAL_NAME,
    brand: {
      logoUrl: e.BRAND_LOGO_URL ?? null,
      primaryColor: e.BRAND_PRIMARY_COLOR,
      accentColor: e.BRAND_ACCENT_COLOR,
      footerText: e.BRAND_FOOTER_TEXT ?? null,
    },
    support: {
      email: e.SUPPORT_EMAIL ?? null,
      phone: e.SUPPORT_PHONE ?? null,
      hours: e.SUPPORT_HOURS ?? null,
    },
    logLevel: e.LOG_LEVEL,
    demoAccounts: e.DEMO_ACCOUNTS ? e.DEMO_ACCOUNTS === 'true' : e.NODE_ENV === 'development',
    dispatchIntervalMs: e.DISPATCH_INTERVAL_MS,
    policies: readPolicies(env),
  };
}
