import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppOptions } from './deps.js';

export type CookieName = 'session' | 'flow' | 'flow_info' | 'done';

/**
 * What the renewal/recovery pages keep between requests (nothing secret: the email is
 * masked; the identifier is what this browser typed, so a recovery resend asks again).
 */
export interface FlowInfo {
  kind: 'renewal' | 'recovery';
  maskedEmail: string | null;
  identifier: string | null;
  resendAt: string | null;
}

/** What the sign-in page says after a renewal: the customer numbers the email opens now. */
export interface DoneInfo {
  customerNumbers: string[];
  passwordChanged: boolean;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decode<T>(raw: string | undefined, valid: (v: T) => boolean): T | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as T;
    return value && valid(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Cookie names and flags: HttpOnly, SameSite=Lax, path /, and Secure with the
 * `__Host-` prefix whenever the portal is served over https.
 */
export function cookieJar(options: AppOptions) {
  const name = (n: CookieName) => (options.secureCookies ? `__Host-renueva_${n}` : `renueva_${n}`);
  const flags = {
    httpOnly: true,
    secure: options.secureCookies,
    sameSite: 'Lax' as const,
    path: '/',
  };
  return {
    get: (c: Context, n: CookieName) => getCookie(c, name(n)) ?? null,
    set: (c: Context, n: CookieName, value: string, maxAgeSeconds?: number) =>
      setCookie(c, name(n), value, {
        ...flags,
        ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
      }),
    clear: (c: Context, n: CookieName) => deleteCookie(c, name(n), flags),
    flowInfo: (c: Context): FlowInfo | null =>
      decode<FlowInfo>(
        getCookie(c, name('flow_info')),
        (i) => i.kind === 'renewal' || i.kind === 'recovery',
      ),
    setFlow(c: Context, token: string, info: FlowInfo, maxAgeSeconds: number) {
      this.set(c, 'flow', token, maxAgeSeconds);
      this.set(c, 'flow_info', encode(info), maxAgeSeconds);
    },
    /** Read once: the sign-in page shows it and forgets it. */
    takeDone(c: Context): DoneInfo | null {
      const done = decode<DoneInfo>(
        getCookie(c, name('done')),
        (d) =>
          Array.isArray(d.customerNumbers) &&
          d.customerNumbers.every((n) => typeof n === 'string' && /^\d{1,20}$/.test(n)),
      );
      if (done) this.clear(c, 'done');
      return done;
    },
    setDone(c: Context, done: DoneInfo) {
      this.set(c, 'done', encode(done), 300);
    },
    clearFlow(c: Context) {
      this.clear(c, 'flow');
      this.clear(c, 'flow_info');
    },
  };
}
export type CookieJar = ReturnType<typeof cookieJar>;
