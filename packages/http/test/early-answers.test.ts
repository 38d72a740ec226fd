import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hashingGate, type KeptAnswer } from '../src/admission.js';
import { createPortal } from '../src/app.js';
import { earlyAnswers } from '../src/early-answers.js';
import { startServer } from '../src/index.js';
import { DIEGO, testDeps, work } from './setup.js';

/** Status, headers (without Date, which Node adds to every answer) and body of an answer. */
const seen = async (res: Response) => {
  const headers = Object.fromEntries(res.headers);
  delete headers.date;
  return { status: res.status, headers, body: await res.text() };
};

describe('answers before the app: the liveness probe', () => {
  it('GET /healthz is answered before the app; anything else reaches it', async () => {
    const reached: string[] = [];
    const app: RequestListener = (req, res) => {
      reached.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    };
    const observed: unknown[] = [];
    const server = createServer(
      earlyAnswers(app, () => null, {
        observeRequest: (r) => observed.push({ ...r, seconds: typeof r.seconds }),
        scrape: async () => ({ contentType: '', body: '' }),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const probe = await fetch(`${url}/healthz`);
      expect(probe.status).toBe(200);
      expect(await probe.json()).toEqual({ status: 'ok' });
      for (const [method, path] of [
        ['GET', '/healthz?x=1'],
        ['HEAD', '/healthz'],
        ['POST', '/healthz'],
        ['GET', '/healthz/'],
        ['GET', '/iniciar-sesion'],
      ])
        expect((await fetch(`${url}${path}`, { method })).status).toBe(204);
      expect(reached).toEqual([
        'GET /healthz?x=1',
        'HEAD /healthz',
        'POST /healthz',
        'GET /healthz/',
        'GET /iniciar-sesion',
      ]);
      // still counted in the metrics, as the app would have
      expect(observed).toEqual([
        { method: 'GET', route: '/healthz', status: 200, seconds: 'number' },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('says over the wire exactly what the app says', async () => {
    const { deps } = await testDeps();
    const server = await startServer(deps, { port: 0, hostname: '127.0.0.1' });
    try {
      const early = await seen(await fetch(`${server.url}/healthz`));
      // a query string takes the probe through the app
      const viaApp = await seen(await fetch(`${server.url}/healthz?via=app`));
      expect(early).toEqual(viaApp);
      expect(early.body).toBe('{"status":"ok"}');
      expect(early.headers).toMatchObject({
        'content-type': 'application/json',
        'content-length': '15',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
    } finally {
      await server.close();
    }
  });
});

describe('answers before the app: refusals of a full hashing gate', () => {
  it('the gate keeps a refusal only once the app gave it, and serves it only while full', async () => {
    const w = work(1);
    const { deps } = await testDeps({}, {}, { passwordWork: w });
    const { app, gate } = createPortal(deps);
    const refusedByApp = () =>
      app.request('/api/v1/sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: 'x', password: 'x' }),
      });
    w.full = true;
    expect(gate.early('POST', '/api/v1/sessions')).toBeNull(); // nothing kept yet
    expect(w.refusals).toBe(0);
    const res = await refusedByApp();
    expect(res.status).toBe(503);
    const kept = gate.early('POST', '/api/v1/sessions');
    expect(kept?.status).toBe(503);
    expect(new TextDecoder().decode(kept?.body)).toBe(await res.text());
    expect(kept?.headers).toEqual({
      ...Object.fromEntries(res.headers),
      'content-length': String(kept?.body.byteLength),
    });
    expect(w.refusals).toBe(2); // the app's, and the early one
    expect(gate.early('GET', '/api/v1/sessions')).toBeNull();
    expect(gate.early('POST', '/api/v1/sessions?x')).toBeNull();
    expect(gate.early('POST', '/api/v1/renewal/complete')).toBeNull(); // not refused yet
    w.full = false;
    expect(gate.early('POST', '/api/v1/sessions')).toBeNull(); // room: the app decides
    expect(w.refusals).toBe(2);
    expect(hashingGate(null).early('POST', '/x')).toBeNull();
  });

  it('prime keeps every constant refusal before any request, as the app gives it, counted nowhere', async () => {
    const w = work(1);
    const observed: unknown[] = [];
    const built = await testDeps({}, {}, { passwordWork: w });
    const { app, gate } = createPortal({
      ...built.deps,
      metrics: {
        observeRequest: (r) => observed.push(r),
        scrape: async () => ({ contentType: '', body: '' }),
      },
    });
    await gate.prime(app);
    // the gate had room: priming refused all the same, and counted no refusal, no request
    expect(w.refusals).toBe(0);
    expect(observed).toEqual([]);
    w.full = true;
    const constant = [
      '/api/v1/sessions',
      '/api/v1/renewal/complete',
      '/api/v1/recovery/complete',
      '/iniciar-sesion',
    ];
    for (const path of constant) {
      const kept = gate.early('POST', path);
      expect(kept?.status).toBe(503);
      expect(kept?.headers['retry-after']).toBe('1');
      // the bytes a refused request gets from the app itself
      const byApp = await app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(byApp.status).toBe(503);
      expect(new TextDecoder().decode(kept?.body)).toBe(await byApp.text());
      expect(kept?.headers).toEqual({
        ...Object.fromEntries(byApp.headers),
        'content-length': String(kept?.body.byteLength),
      });
    }
    // the renewal and recovery forms answer with their own page: never kept
    expect(gate.early('POST', '/renovacion')).toBeNull();
    expect(gate.early('POST', '/recuperacion/codigo')).toBeNull();
    w.full = false;
    for (const path of constant) expect(gate.early('POST', path)).toBeNull();
  });

  it('over the wire: the second refusal comes before the app, byte for byte the first', async () => {
    const w = { capacity: 1, saturated: () => false };
    const built = await testDeps({}, {}, { passwordWork: w });
    // the one slot stays taken: the first sign-in's check never ends
    let checks = 0;
    built.ports.hasher.verify = () => {
      checks++;
      return new Promise(() => undefined);
    };
    const server = await startServer(built.deps, { port: 0, hostname: '127.0.0.1' });
    const signIn = (path: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: path.startsWith('/api')
          ? { 'content-type': 'application/json' }
          : { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: path.startsWith('/api')
          ? JSON.stringify({ identifier: DIEGO.username, password: 'x' })
          : 'identificador=x&contrasena=x',
      });
    const held = new AbortController();
    try {
      void fetch(`${server.url}/api/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: DIEGO.username, password: 'x' }),
        signal: held.signal,
      }).catch(() => undefined);
      for (let i = 0; i < 200 && checks === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(checks).toBe(1);
      for (const path of ['/api/v1/sessions', '/iniciar-sesion']) {
        // kept at start-up (`prime`): both come before the app, as the app gave them
        const first = await seen(await signIn(path));
        const second = await seen(await signIn(path));
        expect(first.status).toBe(503);
        expect(second).toEqual(first);
        expect(first.headers['retry-after']).toBe('1');
        expect(first.headers['content-security-policy']).toBeDefined();
      }
      expect(checks).toBe(1);
    } finally {
      held.abort();
      await server.close();
    }
  });

  it('the listener writes a kept answer and leaves the app alone', async () => {
    const kept: KeptAnswer = {
      status: 503,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
      body: new TextEncoder().encode('{"error":{"code":"busy"}}'),
    };
    const reached: string[] = [];
    const server = createServer(
      earlyAnswers(
        (req, res) => {
          reached.push(`${req.method} ${req.url}`);
          res.writeHead(204).end();
        },
        (method, url) => (method === 'POST' && url === '/api/v1/sessions' ? kept : null),
        null,
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // twice on one connection: the unread body does not break the next request
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${url}/api/v1/sessions`, {
          method: 'POST',
          body: 'x'.repeat(5000),
        });
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ error: { code: 'busy' } });
      }
      expect((await fetch(`${url}/api/v1/sessions?x`, { method: 'POST' })).status).toBe(204);
      expect(reached).toEqual(['POST /api/v1/sessions?x']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
