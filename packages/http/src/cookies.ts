import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AppOptions } from './deps.js';

export type CookieName = 'session' | 'flow' | 'flow_info' | 'done';

// Every cookie is read through a schema: a cookie is client input, and a forged or
// stale one is treated as absent (never a 500 further in).

/** A session or flow token as we issue them (URL-safe base64). */
const token = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/);
const isoTime = z.iso.datetime();

/**
 * What the renewal/recovery pages keep between requests (nothing secret: the email is
 * masked; the identifier is what this browser typed, so a recovery resend asks again).
 */
const flowInfoSchema = z.object({
  kind: z.enum(['renewal', 'recovery']),
  maskedEmail: z.string().max(320).nullable(),
  identifier: z.string().max(320).nullable(),
  resendAt: isoTime.nullable(),
});
export type FlowInfo = z.infer<typeof flowInfoSchema>;

/** What the sign-in page says after a renewal: the customer numbers the email opens now. */
const doneInfoSchema = z.object({
  customerNumbers: z.array(z.string().regex(/^\d{1,20}$/)).max(1000),
  passwordChanged: z.boolean(),
});
export type DoneInfo = z.infer<typeof doneInfoSchema>;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decode<T>(raw: string | undefined, schema: z.ZodType<T>): T | null {
  if (!raw || raw.length > 4096) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
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
    /** A token cookie (`session`, `flow`); null when absent or not shaped like our tokens. */
    get: (c: Context, n: 'session' | 'flow') => {
      const parsed = token.safeParse(getCookie(c, name(n)));
      return parsed.success ? parsed.data : null;
    },
    set: (c: Context, n: CookieName, value: string, maxAgeSeconds?: number) =>
      setCookie(c, name(n), value, {
        ...flags,
        ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
      }),
    clear: (c: Context, n: CookieName) => deleteCookie(c, name(n), flags),
    flowInfo: (c: Context): FlowInfo | null =>
      decode(getCookie(c, name('flow_info')), flowInfoSchema),
    setFlow(c: Context, token: string, info: FlowInfo, maxAgeSeconds: number) {
      this.set(c, 'flow', token, maxAgeSeconds);
      this.set(c, 'flow_info', encode(info), maxAgeSeconds);
    },
    /** Read once: the sign-in page shows it and forgets it. */
    takeDone(c: Context): DoneInfo | null {
      const done = decode(getCookie(c, name('done')), doneInfoSchema);
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
