import { getConnInfo } from '@hono/node-server/conninfo';
import type { RequestContext } from '@renueva/domain';
import type { Context } from 'hono';
import type { AppOptions } from './deps.js';

/** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
function clientIp(c: Context, options: AppOptions): string | null {
  if (options.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  // no Node server, no socket: `app.request()` (the tests) or another runtime
  if (!(c.env as { incoming?: unknown } | undefined)?.incoming) return null;
  return getConnInfo(c).remote.address ?? null;
}

/** Who is asking, as the use cases record it (pages and API alike). */
export function requestContext(c: Context, options: AppOptions): RequestContext {
  return {
    ip: clientIp(c, options),
    userAgent: c.req.header('user-agent')?.slice(0, 200) ?? null,
  };
}
