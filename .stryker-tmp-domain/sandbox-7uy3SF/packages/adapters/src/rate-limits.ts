import type pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
} from 'rate-limiter-flexible';

export interface RateLimiterOptions {
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

/** Makes the HTTP layer's limiters: in this process, or shared by every instance. */
export type RateLimiterFactory = (options: RateLimiterOptions) => RateLimiterAbstract;

/** One process's limits (the embedded store allows one process anyway). */
export const memoryRateLimiters: RateLimiterFactory = (options) => new RateLimiterMemory(options);

/**
 * Limits every instance on one PostgreSQL server shares, in the `rate_limits` table
 * (migration 002). Should the server not answer, each instance falls back to an
 * in-memory limiter of its own rather than failing the request.
 */
export const postgresRateLimiters =
  (pool: pg.Pool): RateLimiterFactory =>
  (options) =>
    new RateLimiterPostgres({
      ...options,
      storeClient: pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
