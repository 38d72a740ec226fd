import { createHash, timingSafeEqual } from 'node:crypto';
import { type DeliveryEvent, parseEmail, type UseCases } from '@renueva/domain';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * How Postmark proves a webhook call is its own, as its webhook settings allow: HTTP
 * basic auth (`https://user:password@host/webhooks/postmark`) and/or a custom header
 * carrying a secret. What is null is not accepted; both null: the route does not exist.
 */
export interface PostmarkWebhookCredentials {
  basicAuth: { username: string; password: string } | null;
  /** The value of the `X-Webhook-Token` header. */
  token: string | null;
}

/** The header a secret token arrives in (set as a custom header in Postmark's webhook settings). */
export const WEBHOOK_TOKEN_HEADER = 'x-webhook-token';

/** Postmark's bounce dumps can be large (`Content`); still bounded. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Bounce types after which no mail reaches the address: Postmark's permanent types.
 * Any bounce with `Inactive: true` counts too (Postmark stopped sending to it).
 */
const PERMANENT = new Set([
  'HardBounce',
  'BadEmailAddress',
  'ManuallyDeactivated',
  'SpamComplaint',
]);

const EARLIEST = Date.UTC(2000, 0, 1);
const DAY = 86_400_000;

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Constant-time, whatever the lengths. */
const same = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

function authorized(header: (name: string) => string | undefined, c: PostmarkWebhookCredentials) {
  const token = header(WEBHOOK_TOKEN_HEADER);
  if (c.token && token !== undefined && same(token, c.token)) return true;
  const auth = header('authorization');
  if (c.basicAuth && auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const expected = `${c.basicAuth.username}:${c.basicAuth.password}`;
    return same(decoded, expected);
  }
  return false;
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * A Bounce or SpamComplaint payload as a delivery event; `null` for anything else
 * (other record types, a bounce without a valid address): accepted and ignored.
 */
export function postmarkEvent(payload: unknown, now: Date): DeliveryEvent | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const p = payload as Record<string, unknown>;
  const recordType = text(p.RecordType);
  if (recordType !== 'Bounce' && recordType !== 'SpamComplaint') return null;
  const email = parseEmail(text(p.Email) ?? '');
  if (email.isErr()) return null;
  const type = (text(p.Type) ?? recordType).slice(0, 100);
  const kind: DeliveryEvent['kind'] =
    recordType === 'SpamComplaint' || type === 'SpamComplaint'
      ? 'spam_complaint'
      : PERMANENT.has(type) || p.Inactive === true
        ? 'hard_bounce'
        : 'soft_bounce';
  const messageId = text(p.MessageID)?.slice(0, 200) ?? null;
  const bouncedAt = new Date(text(p.BouncedAt) ?? Number.NaN);
  // a time the store can hold and that makes sense; otherwise when it arrived
  const plausible = bouncedAt.getTime() >= EARLIEST && bouncedAt.getTime() <= now.getTime() + DAY;
  const at = plausible ? bouncedAt : now;
  // Postmark's ID can pass 2^53 (its own example does), so it is not the key: a retried
  // webhook repeats every one of these fields. Hashed, so the key has a fixed length.
  const key = [recordType, type, messageId ?? '', email.value, at.toISOString()].join('\n');
  const id = `postmark:${createHash('sha256').update(key).digest('hex')}`;
  return { id, kind, email: email.value, providerMessageId: messageId, detail: type, at };
}

/**
 * `POST /webhooks/postmark`: Postmark's Bounce and SpamComplaint webhooks. Anything
 * unauthenticated is 401; any other JSON payload, or a repeated one, is 200 and
 * ignored (Postmark retries on anything but a 2xx). Without credentials configured:
 * 404, as if there were no such route.
 */
export function postmarkWebhook(
  deps: { useCases: Pick<UseCases, 'recordDeliveryEvent'>; clock: { now(): Date } },
  credentials: PostmarkWebhookCredentials | null,
) {
  const app = new Hono();
  const configured = credentials && (credentials.basicAuth || credentials.token);
  app.post(
    '/postmark',
    async (c, next) => {
      if (!configured) return c.json({ error: { code: 'not_found', message: 'Not found' } }, 404);
      if (!authorized((n) => c.req.header(n), credentials))
        return c.json({ error: { code: 'unauthorized', message: 'Unauthorized' } }, 401, {
          'WWW-Authenticate': 'Basic realm="webhooks"',
        });
      return next();
    },
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json({ error: { code: 'payload_too_large', message: 'Payload too large' } }, 413),
    }),
    async (c) => {
      let payload: unknown;
      try {
        payload = JSON.parse(await c.req.text());
      } catch {
        return c.json({ error: { code: 'bad_request', message: 'Expected JSON' } }, 400);
      }
      const event = postmarkEvent(payload, deps.clock.now());
      if (!event) return c.json({ outcome: 'ignored' });
      return c.json({ outcome: await deps.useCases.recordDeliveryEvent(event) });
    },
  );
  return app;
}
