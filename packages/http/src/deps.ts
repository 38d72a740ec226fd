import type { Clock, Policies, UseCases } from '@renueva/domain';
import type { PostmarkWebhookCredentials } from './webhooks/postmark.js';

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

/**
 * The bound on password hashing (`@renueva/adapters`' WorkLimiter): the app admits at
 * most `capacity` requests that may hash at once, and none while it is `saturated`.
 */
export interface PasswordWork {
  /** Hashes computing at once plus hashes allowed to wait for a thread. */
  readonly capacity: number;
  /** True when a hash asked now would be refused as busy. */
  saturated(): boolean;
  /** Told of each request the app refused for it (counted with the hasher's own refusals). */
  refused?(): void;
}

/**
 * The Prometheus metrics (`@renueva/adapters`' Metrics): the app reports every answer
 * to it, and `GET /metrics` serves its exposition.
 */
export interface AppMetrics {
  observeRequest(r: { method: string; route: string; status: number; seconds: number }): void;
  scrape(): Promise<{ contentType: string; body: string }>;
}

export interface AppLogger {
  error(obj: object, msg: string): void;
}

/**
 * How the portal looks, in its pages as in its emails (`@renueva/adapters` reads it from
 * the environment; see docs/decisions/0008-voice-and-brand.md).
 */
export interface Brand {
  /** An http(s) URL of the logo; null: the portal's name, as text. */
  logoUrl: string | null;
  /** `#rrggbb` under white text (header, headings): at least 4.5:1 against white. */
  primaryColor: string;
  /** `#rrggbb` of buttons and links, under or on white: at least 4.5:1 against white. */
  accentColor: string;
  /** A line at the foot of every page and email (a slogan, a legal name); null: none. */
  footerText: string | null;
}

/** How customers reach support; what is null is not shown. */
export interface SupportContacts {
  email: string | null;
  phone: string | null;
  /** Free text, e.g. "lunes a viernes de 9:00 a 18:00 h". */
  hours: string | null;
}

/** The neutral look: no logo (the portal's name as text), red and orange, no footer line. */
export const DEFAULT_BRAND: Brand = {
  logoUrl: null,
  primaryColor: '#c8102e',
  accentColor: '#c2410c',
  footerText: null,
};

export interface AppOptions {
  /** The portal's public origin, e.g. `https://facturacion.example.mx`. */
  publicUrl: string;
  portalName: string;
  brand: Brand;
  support: SupportContacts;
  /** Secure, `__Host-` cookies: on whenever the public URL is https. */
  secureCookies: boolean;
  /** Take the client IP from X-Forwarded-For (behind a trusted proxy only). */
  trustProxy: boolean;
  /** Largest request body accepted, in bytes (webhooks have their own, larger bound). */
  maxBodyBytes: number;
  /** Who may call `POST /webhooks/postmark`; null: nobody (the route answers 404). */
  postmarkWebhook: PostmarkWebhookCredentials | null;
  /**
   * The bearer token `GET /metrics` asks for on this app; null: the portal serves no
   * metrics (they are on their own port, or nowhere).
   */
  metricsToken: string | null;
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
  /**
   * The hasher's bound: past it a sign-in (or a renewal or recovery finish) is refused
   * with a 503 before any store work. Absent: no such gate; the use cases still answer
   * `busy` once they reach a full hasher.
   */
  passwordWork?: PasswordWork | null;
  /** Where answers are counted and `/metrics` reads; absent: nothing is counted. */
  metrics?: AppMetrics | null;
  options?: Partial<AppOptions>;
}

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

export function resolveOptions(options: Partial<AppOptions> = {}): AppOptions {
  const publicUrl = options.publicUrl ?? 'http://localhost:3000';
  const brand = options.brand ?? DEFAULT_BRAND;
  // the colours go into the stylesheet as they are
  for (const colour of [brand.primaryColor, brand.accentColor])
    if (!HEX_COLOR.test(colour)) throw new Error(`brand colour ${colour}: expected #rrggbb`);
  return {
    publicUrl,
    portalName: options.portalName ?? 'Portal de Facturación',
    brand,
    support: options.support ?? { email: null, phone: null, hours: null },
    secureCookies: options.secureCookies ?? publicUrl.startsWith('https:'),
    trustProxy: options.trustProxy ?? false,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024,
    postmarkWebhook: options.postmarkWebhook ?? null,
    metricsToken: options.metricsToken ?? null,
  };
}
