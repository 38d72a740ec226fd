import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { livenessFirst } from '../src/health.js';
import { startServer } from '../src/index.js';
import { testDeps } from './setup.js';

/** Status, headers (without Date, which Node adds to every answer) and body of an answer. */
const seen = async (res: Response) => {
  const headers = Object.fromEntries(res.headers);
  delete headers.date;
  return { status: res.status, headers, body: await res.text() };
};

describe('the liveness probe', () => {
  it('GET /healthz is answered before the app; anything else reaches it', async () => {
    const reached: string[] = [];
    const app: RequestListener = (req, res) => {
      reached.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    };
    const observed: unknown[] = [];
    const server = createServer(
      livenessFirst(app, {
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
