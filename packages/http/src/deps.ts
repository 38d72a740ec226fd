import type { Clock, Policies, UseCases } from '@renueva/domain';

/** The last emails, when the console mailer runs (development): `@renueva/adapters`' DevMailbox. */
export interface Mailbox {
  list(): {
    id: number;
    template: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    sentAt: Date;
  }[];
}

/**
 * A counter of `points` per `duration` seconds per key, as rate-limiter-flexible's
 * limiters are: `consume` rejects with a `RateLimiterRes` once the key has none left.
 */
export interface RateLimiter {
  consume(key: string): Promise<unknown>;
}

/** Makes the limiters: one per prefix (`ip`, `id`), each with its own budget. */
export type RateLimiterFactory = (options: {
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}) => RateLimiter;

export interface AppLogger {
  error(obj: object, msg: string): void;
}

export interface AppOptions {
  /** The portal's public origin, e.g. `https://facturacion.example.mx`. */
  publicUrl: string;
  portalName: string;
  /** Secure, `__Host-` cookies: on whenever the public URL is https. */
  secureCookies: boolean;
  /** Take the client IP from X-Forwarded-For (behind a trusted proxy only). */
  trustProxy: boolean;
  /** Auth requests per IP per minute, and per identifier per minute. */
  rateLimits: { perIp: number; perIdentifier: number };
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

/** Plain values the app is built from: handlers never see a container. */
export interface AppDeps {
  useCases: UseCases;
  policies: Policies;
  mailbox: Mailbox | null;
  isReady: () => Promise<boolean>;
  logger: AppLogger;
  /** What time it is, for messages ("en 45 segundos") and Retry-After. */
  clock: Clock;
  /** Where the rate limits count: this process by default; PostgreSQL to share them. */
  rateLimiters?: RateLimiterFactory;
  options?: Partial<AppOptions>;
}

export function resolveOptions(options: Partial<AppOptions> = {}): AppOptions {
  const publicUrl = options.publicUrl ?? 'http://localhost:3000';
  return {
    publicUrl,
    portalName: options.portalName ?? 'Portal de Facturación',
    secureCookies: options.secureCookies ?? publicUrl.startsWith('https:'),
    trustProxy: options.trustProxy ?? false,
    rateLimits: options.rateLimits ?? { perIp: 60, perIdentifier: 10 },
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024,
  };
}
