import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '@renueva/domain/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createRenueva, demoAccounts, Metrics, type Renueva } from '../src/index.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'renueva-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { ip: '198.51.100.9', userAgent: 'test' };
const TOKEN = 'a-metrics-token-long-enough';

/** Samples of one metric from the exposition, `name{labels}` -> value. */
async function samples(renueva: Renueva, name: string): Promise<Map<string, number>> {
  const { body } = await (renueva.metrics as Metrics).scrape();
  const found = new Map<string, number>();
  for (const line of body.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) found.set(m[2] ?? '', Number(m[3]));
  }
  return found;
}

/** Prints of the console mailer, kept out of the test output. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as never;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

/** The seed flow on a real store, and what the metrics say about it. */
async function renewalIsCounted(renueva: Renueva) {
  const diego = demoAccounts[0];
  if (!diego) throw new Error('no demo account');
  const uc = renueva.useCases;
  const legacy = (await samples(renueva, 'renueva_accounts')).get('{status="legacy"}') ?? 0;
  expect(legacy).toBe(demoAccounts.length);

  const started = (
    await uc.logIn({ identifier: diego.username, password: diego.password, context: ctx })
  ).unwrap();
  expect(started.kind).toBe('renewal_started');
  // the code waits in the outbox: depth 1, and its age is the clock's distance to it
  expect((await samples(renueva, 'renueva_outbox_pending_messages')).get('')).toBe(1);
  const age = (await samples(renueva, 'renueva_outbox_oldest_pending_age_seconds')).get('');
  expect(age).toBeGreaterThanOrEqual(0);
  expect(age).toBeLessThan(60);
  await quietly(() => uc.deliverPendingEmails({ limit: 10 }));

  expect((await samples(renueva, 'renueva_outbox_pending_messages')).get('')).toBe(0);
  expect((await samples(renueva, 'renueva_outbox_dead_messages')).get('')).toBe(0);
  expect(
    (await samples(renueva, 'renueva_emails_total')).get('{template="renewal_code",result="sent"}'),
  ).toBe(1);
  expect((await samples(renueva, 'renueva_codes_sent_total')).get('{flow="renewal"}')).toBe(1);
  expect(
    (await samples(renueva, 'renueva_sign_ins_total')).get('{outcome="renewal_started"}'),
  ).toBe(1);
  expect((await samples(renueva, 'renueva_accounts')).get('{status="pending_renewal"}')).toBe(1);
  // the legacy verification went through the bounded queue
  expect(
    (await samples(renueva, 'renueva_password_hash_wait_seconds_count')).get(''),
  ).toBeGreaterThanOrEqual(1);
  expect((await samples(renueva, 'renueva_password_hash_queue_depth')).get('')).toBe(0);
  expect((await samples(renueva, 'nodejs_heap_size_used_bytes')).get('')).toBeGreaterThan(0);
}

describe('metrics from the composition root', () => {
  it('are off without METRICS_PORT or METRICS_TOKEN: nothing is counted', async () => {
    const renueva = await createRenueva({ STORE: 'memory', LOG_LEVEL: 'silent' });
    expect(renueva.metrics).toBeNull();
    await renueva.close();
  });

  it('count the seed flow on the memory store: funnel, outbox, codes, deliveries, hash queue', async () => {
    const renueva = await createRenueva(
      { STORE: 'memory', METRICS_TOKEN: TOKEN, DEMO_ACCOUNTS: 'true', LOG_LEVEL: 'silent' },
      {},
      { seedDemoAccounts: true },
    );
    try {
      await renewalIsCounted(renueva);
      // no pool: no pool gauges rather than zeros that would mean something
      expect((await samples(renueva, 'renueva_db_pool_connections')).size).toBe(0);
    } finally {
      await renueva.close();
    }
  });

  it.skipIf(!requirePostgres())(
    'count the seed flow on PostgreSQL, with the pool in use',
    async () => {
      const renueva = await createRenueva(
        {
          DATABASE_URL: await freshPostgresUrl(),
          METRICS_PORT: '0',
          DEMO_ACCOUNTS: 'true',
          LOG_LEVEL: 'silent',
        },
        {},
        { seedDemoAccounts: true },
      );
      try {
        await renewalIsCounted(renueva);
        const pool = await samples(renueva, 'renueva_db_pool_connections');
        expect(pool.get('{state="idle"}')).toBeGreaterThanOrEqual(1);
        expect(pool.has('{state="active"}')).toBe(true);
        expect((await samples(renueva, 'renueva_db_pool_max_connections')).get('')).toBe(10);
      } finally {
        await renueva.close();
      }
    },
  );
});

describe('Metrics', () => {
  it('a scrape whose store read fails still answers, the store gauges without a value (NaN), and says why', async () => {
    const errors: unknown[] = [];
    const metrics = new Metrics({
      store: () => Promise.reject(new Error('the database is down')),
      hashQueue: () => ({ running: 2, waiting: 5 }),
      pool: null,
      clock: new FixedClock(new Date('2026-11-26T00:00:00Z')),
      onError: (e) => errors.push(e),
    });
    const { body } = await metrics.scrape();
    expect(body).toMatch(/^renueva_accounts\{status="legacy"\} NaN$/im);
    expect(body).toMatch(/^renueva_outbox_pending_messages NaN$/im);
    expect(body).toMatch(/^renueva_outbox_oldest_pending_age_seconds NaN$/im);
    expect(body).toMatch(/^renueva_password_hash_queue_depth 5$/m);
    expect(body).toMatch(/^renueva_password_hash_running 2$/m);
    expect(errors).toEqual([new Error('the database is down')]);
  });

  it('labels an unknown HTTP method `other`, so a client cannot grow the series', async () => {
    const metrics = new Metrics({
      store: async () => ({
        accounts: { legacy: 0, pending_renewal: 0, migrated: 0, logins: 0 },
        outbox: { pending: 0, dead: 0, oldestPendingAt: null },
      }),
      hashQueue: () => ({ running: 0, waiting: 0 }),
      pool: null,
      clock: new FixedClock(new Date('2026-11-26T00:00:00Z')),
      onError: () => undefined,
    });
    metrics.observeRequest({ method: 'BREW', route: 'unmatched', status: 405, seconds: 0.001 });
    const { body } = await metrics.scrape();
    expect(body).toContain(
      'renueva_http_request_duration_seconds_count{method="other",route="unmatched",status="405"} 1',
    );
    expect(body).not.toContain('BREW');
  });
});
