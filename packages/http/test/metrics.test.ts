import { DevMailbox, Metrics, portsSnapshot } from '@renueva/adapters';
import { createUseCases } from '@renueva/domain';
import { createMemoryPorts, lastCodeFor, seedLegacyAccounts } from '@renueva/domain/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppDeps, type AppOptions, createApp, startServer } from '../src/index.js';
import { DIEGO, NEW_PASSWORD, ORIGIN } from './setup.js';

const TOKEN = 'metrics-token-0123456789';
const CLIENT_IP = '203.0.113.77';

/** The app on memory ports, counted by a real `Metrics` as `renueva serve` wires it. */
async function meteredApp(options: Partial<AppOptions> = {}) {
  const base = createMemoryPorts();
  await seedLegacyAccounts(base, [DIEGO]);
  const metrics = new Metrics({
    store: () => portsSnapshot(base),
    hashQueue: () => ({ running: 0, waiting: 0 }),
    pool: null,
    clock: base.clock,
    onError: (e) => {
      throw e;
    },
  });
  const ports = metrics.meterPorts(base);
  const deps: AppDeps = {
    useCases: metrics.meterUseCases(createUseCases(ports)),
    // the rate limits and the answer floor are policies; out of the way here
    policies: {
      ...ports.policies,
      rateLimitPerIpPerMinute: 1000,
      rateLimitPerIdentifierPerMinute: 1000,
      signInFloorMs: 0,
    },
    mailbox: new DevMailbox(),
    isReady: async () => true,
    logger: { error: () => undefined },
    clock: ports.clock,
    metrics,
    options: {
      trustProxy: true,
      metricsToken: TOKEN,
      ...options,
    },
  };
  const app = createApp(deps);
  const api = (path: string, body: unknown) =>
    app.request(`/api/v1${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-forwarded-for': CLIENT_IP },
    });
  const scrape = async () => {
    const res = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return parse(await res.text());
  };
  return { app, deps, api, scrape, codeFor: () => lastCodeFor(base.outbox, DIEGO.email) };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text format, the sample lines of it. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `labels`. */
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

describe('GET /metrics', () => {
  it('asks for the bearer token: none or a wrong one is a 401, the right one the exposition', async () => {
    const { app } = await meteredApp();
    const none = await app.request('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await app.request('/metrics', {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('renueva_');
    const right = await app.request('/metrics', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await right.text();
    expect(text).toContain('# TYPE renueva_http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE renueva_sign_ins_total counter');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('is not served by the portal without a token (its own port, or nowhere)', async () => {
    const { app } = await meteredApp({ metricsToken: null });
    expect((await app.request('/metrics')).status).toBe(404);
  });

  it('counts a renewal from sign-in to new password, and labels nothing personal', async () => {
    const t = await meteredApp();
    const before = await t.scrape();
    expect(value(before, 'renueva_accounts', { status: 'legacy' })).toBe(1);

    const wrongPassword = await t.api('/sessions', {
      identifier: DIEGO.username,
      password: 'no-es-la-contraseña',
    });
    expect(wrongPassword.status).toBe(401);
    const started = (await (
      await t.api('/sessions', { identifier: DIEGO.username, password: DIEGO.password })
    ).json()) as { flowToken: string };
    const code = t.codeFor() as string;
    const wrongCode = await t.api('/renewal/complete', {
      flowToken: started.flowToken,
      code: code === '000000' ? '111111' : '000000',
      newPassword: NEW_PASSWORD,
      confirmation: NEW_PASSWORD,
    });
    expect(((await wrongCode.json()) as { error: { code: string } }).error.code).toBe(
      'code_invalid',
    );
    const done = await t.api('/renewal/complete', {
      flowToken: started.flowToken,
      code,
      newPassword: NEW_PASSWORD,
      confirmation: NEW_PASSWORD,
    });
    expect(done.status).toBe(200);
    const signedIn = await t.api('/sessions', { identifier: DIEGO.email, password: NEW_PASSWORD });
    expect(signedIn.status).toBe(200);
    await t.app.request('/no/such/page/2242455');

    const after = await t.scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      value(after, name, labels) - value(before, name, labels);
    expect(moved('renueva_sign_ins_total', { outcome: 'invalid_credentials' })).toBe(1);
    expect(moved('renueva_sign_ins_total', { outcome: 'renewal_started' })).toBe(1);
    expect(moved('renueva_sign_ins_total', { outcome: 'signed_in' })).toBe(1);
    expect(moved('renueva_codes_sent_total', { flow: 'renewal' })).toBe(1);
    expect(moved('renueva_wrong_codes_total', { flow: 'renewal' })).toBe(1);
    expect(moved('renueva_renewals_completed_total')).toBe(1);
    // the funnel, read from the store at the scrape
    expect(value(after, 'renueva_accounts', { status: 'legacy' })).toBe(0);
    expect(value(after, 'renueva_accounts', { status: 'migrated' })).toBe(1);
    expect(value(after, 'renueva_logins')).toBe(1);
    // two emails wait in the outbox: the code and the confirmation
    expect(value(after, 'renueva_outbox_pending_messages')).toBe(2);

    // by route pattern and status
    const http = 'renueva_http_request_duration_seconds_count';
    expect(value(after, http, { route: '/api/v1/sessions', method: 'POST', status: '401' })).toBe(
      1,
    );
    expect(value(after, http, { route: '/api/v1/sessions', status: '200' })).toBe(2);
    expect(value(after, http, { route: '/api/v1/renewal/complete', status: '200' })).toBe(1);
    expect(value(after, http, { route: 'unmatched', status: '404' })).toBe(1);

    // no label value is an email, a username, an IP, a customer number or a raw path
    const personal = [DIEGO.email, DIEGO.username, DIEGO.customerNumber, CLIENT_IP, '@'];
    for (const s of after)
      for (const v of Object.values(s.labels))
        for (const p of personal) expect(v.toLowerCase()).not.toContain(p.toLowerCase());
  });

  it('counts the answers a middleware gives before any handler (413) under their route', async () => {
    const t = await meteredApp({ maxBodyBytes: 64 });
    const big = await t.app.request('/iniciar-sesion', {
      method: 'POST',
      body: `identificador=${'x'.repeat(500)}`,
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(big.status).toBe(413);
    const after = await t.scrape();
    expect(
      value(after, 'renueva_http_request_duration_seconds_count', {
        route: '/iniciar-sesion',
        status: '413',
      }),
    ).toBe(1);
  });
});

describe('metrics on their own port', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('serves /metrics there (token optional) and not on the portal', async () => {
    const { deps } = await meteredApp({ metricsToken: null });
    const server = await startServer(deps, {
      port: 0,
      hostname: '127.0.0.1',
      metrics: { port: 0, hostname: '127.0.0.1', token: null },
    });
    close = server.close;
    expect(server.metricsUrl).not.toBeNull();
    expect(server.metricsUrl).not.toBe(server.url);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const res = await fetch(`${server.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    const samples = parse(await res.text());
    expect(
      value(samples, 'renueva_http_request_duration_seconds_count', { route: '/healthz' }),
    ).toBe(1);
    // the metrics port serves nothing of the portal
    expect((await fetch(`${server.metricsUrl}/iniciar-sesion`)).status).toBe(404);
  });

  it('asks for the token there too when one is set', async () => {
    const { deps } = await meteredApp({ metricsToken: null });
    const server = await startServer(deps, {
      port: 0,
      hostname: '127.0.0.1',
      metrics: { port: 0, hostname: '127.0.0.1', token: TOKEN },
    });
    close = server.close;
    expect((await fetch(`${server.metricsUrl}/metrics`)).status).toBe(401);
    const ok = await fetch(`${server.metricsUrl}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
  });
});
