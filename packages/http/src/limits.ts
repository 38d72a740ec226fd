import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter, RateLimiterFactory } from './deps.js';

/**
 * Per-IP and per-identifier limits on the credential endpoints, counted where
 * `limiters` keeps them (this process, or PostgreSQL for several instances).
 * Identifiers are counted by a hash, so the store never holds one in clear.
 * Returns the seconds to wait, or null when the request may go on.
 */
export function rateLimits(
  perMinute: { perIp: number; perIdentifier: number },
  limiters: RateLimiterFactory = (o) => new RateLimiterMemory(o),
) {
  const perIp = limiters({ keyPrefix: 'ip', points: perMinute.perIp, duration: 60 });
  const perIdentifier = limiters({
    keyPrefix: 'id',
    points: perMinute.perIdentifier,
    duration: 60,
  });
  const consume = async (limiter: RateLimiter, key: string): Promise<number | null> => {
    try {
      await limiter.consume(key);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes)
        return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  };
  const identifierKey = (identifier: string) =>
    createHash('sha256').update(identifier.trim().toLowerCase()).digest('base64url');
  return async (ip: string | null, identifier: string | null): Promise<number | null> =>
    (await consume(perIp, ip ?? 'unknown')) ??
    (identifier ? await consume(perIdentifier, identifierKey(identifier)) : null);
}
export type RateLimit = ReturnType<typeof rateLimits>;
