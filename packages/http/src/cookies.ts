import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppOptions } from './deps.js';

export type CookieName = 'session' | 'flow' | 'flow_info';

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
    flowInfo(c: Context): FlowInfo | null {
      const raw = getCookie(c, name('flow_info'));
      if (!raw) return null;
      try {
        const info = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as FlowInfo;
        return info.kind === 'renewal' || info.kind === 'recovery' ? info : null;
      } catch {
        return null;
      }
    },
    setFlow(c: Context, token: string, info: FlowInfo, maxAgeSeconds: number) {
      this.set(c, 'flow', token, maxAgeSeconds);
      this.set(
        c,
        'flow_info',
        Buffer.from(JSON.stringify(info)).toString('base64url'),
        maxAgeSeconds,
      );
    },
    clearFlow(c: Context) {
      this.clear(c, 'flow');
      this.clear(c, 'flow_info');
    },
  };
}
export type CookieJar = ReturnType<typeof cookieJar>;
