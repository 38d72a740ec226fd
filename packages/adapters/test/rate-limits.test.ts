import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import {
  createRenueva,
  type Database,
  migrate,
  openDatabase,
  postgresRateLimiters,
} from '../src/index.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';

const enabled = requirePostgres();
const options = { keyPrefix: 'ip', points: 3, duration: 60 };

const limiterOn = (db: Database) => {
  if (!db.pool) throw new Error('not a PostgreSQL server');
  return postgresRateLimiters(db.pool)(options);
};

/** Consumes one point: null when allowed, else the milliseconds to wait. */
async function take(limiter: ReturnType<typeof limiterOn>, key: string) {
  try {
    await limiter.consume(key);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext;
    throw rejection;
  }
}

describe.skipIf(!enabled)('rate limits shared through PostgreSQL', () => {
  it('two instances on one server share one budget', async () => {
    const url = await freshPostgresUrl();
    const [a, b] = await Promise.all([
      openDatabase({ databaseUrl: url }),
      openDatabase({ databaseUrl: url }),
    ]);
    try {
      await migrate(a);
      const [onA, onB] = [limiterOn(a), limiterOn(b)];
      expect(await take(onA, '203.0.113.7')).toBeNull();
      expect(await take(onB, '203.0.113.7')).toBeNull();
      expect(await take(onA, '203.0.113.7')).toBeNull();
      const wait = await take(onB, '203.0.113.7');
      expect(wait).toBeGreaterThan(50_000);
      expect(await take(onB, '198.51.100.1')).toBeNull(); // another key, its own budget
      expect(await a.query('SELECT key FROM rate_limits ORDER BY key')).toEqual([
        { key: 'ip:198.51.100.1' },
        { key: 'ip:203.0.113.7' },
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('falls back to a per-instance limit when the server does not answer', async () => {
    const db = await openDatabase({ databaseUrl: await freshPostgresUrl() });
    await migrate(db);
    const limiter = limiterOn(db);
    await db.close(); // the pool is gone: every query fails
    for (let i = 0; i < 3; i++) expect(await take(limiter, 'k')).toBeNull();
    expect(await take(limiter, 'k')).toBeGreaterThan(0);
  });

  it('the composition root shares them on PostgreSQL when RATE_LIMIT_STORE=postgres, else keeps them in memory', async () => {
    const url = await freshPostgresUrl();
    const env = {
      DATABASE_URL: url,
      RENUEVA_SECRET: 'a-test-server-secret-of-32-characters-or-more',
      LOG_LEVEL: 'silent',
    };
    const shared = await createRenueva({ ...env, RATE_LIMIT_STORE: 'postgres' });
    try {
      expect(shared.rateLimiters(options)).toBeInstanceOf(RateLimiterPostgres);
    } finally {
      await shared.close();
    }
    const local = await createRenueva(env);
    try {
      expect(local.rateLimiters(options)).not.toBeInstanceOf(RateLimiterPostgres);
    } finally {
      await local.close();
    }
  });
});
