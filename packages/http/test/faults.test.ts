import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { createRenueva } from '@renueva/adapters';
import { freshPostgresUrl, requirePostgres } from '@renueva/adapters/testing';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/index.js';
import { DIEGO, testApp } from './setup.js';

const postgres = requirePostgres();

/** A documented answer of the OpenAPI document, as far as this test reads it. */
interface Documented {
  headers?: Record<string, unknown>;
  content: Record<
    string,
    { schema: { properties: { error: { properties: { code: { enum: string[] } } } } } }
  >;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('forged cookies are treated as absent', () => {
  const forgedFlowInfo = [
    [
      'identifier not a string',
      { kind: 'recovery', maskedEmail: null, identifier: 42, resendAt: null },
    ],
    [
      'identifier an object',
      { kind: 'recovery', maskedEmail: null, identifier: { trim: 1 }, resendAt: null },
    ],
    [
      'resendAt not a time',
      { kind: 'recovery', maskedEmail: null, identifier: 'x', resendAt: 'mañana' },
    ],
    [
      'maskedEmail an array',
      { kind: 'renewal', maskedEmail: ['a'], identifier: null, resendAt: null },
    ],
    ['not JSON', 'no-es-json'],
    ['JSON null', null],
  ] as const;

  it.each(forgedFlowInfo)(
    'flow_info with %s: every flow page redirects or answers 4xx, never 5xx',
    async (_, value) => {
      const t = await testApp();
      const raw = typeof value === 'string' ? value : b64(value);
      const headers = { cookie: `renueva_flow=abc_DEF-123; renueva_flow_info=${raw}` };
      for (const [method, path] of [
        ['POST', '/recuperacion/reenviar'],
        ['POST', '/renovacion/reenviar'],
        ['GET', '/renovacion'],
        ['GET', '/recuperacion/codigo'],
        ['POST', '/renovacion'],
        ['POST', '/recuperacion/codigo'],
      ] as const) {
        const res = await t.app.request(path, {
          method,
          headers: {
            ...headers,
            origin: 'http://localhost',
            'content-type': 'application/x-www-form-urlencoded',
          },
          ...(method === 'POST' ? { body: 'codigo=123456&contrasena=x&confirmacion=x' } : {}),
        });
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
      }
      expect(t.errors).toEqual([]);
    },
  );

  it('a session or flow cookie that is not one of our tokens is ignored', async () => {
    const t = await testApp();
    for (const bad of ['%00', 'a'.repeat(500), 'ñ', '"quoted"']) {
      const res = await t.app.request('/cuenta', { headers: { cookie: `renueva_session=${bad}` } });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/iniciar-sesion');
    }
    const done = await t.app.request('/iniciar-sesion?renovado=1', {
      headers: {
        cookie: `renueva_done=${b64({ customerNumbers: ['<script>'], passwordChanged: 1 })}`,
      },
    });
    expect(done.status).toBe(200);
    expect(await done.text()).not.toContain('&lt;script&gt;');
    expect(t.errors).toEqual([]);
  });

  it('a well-formed flow_info still works', async () => {
    const t = await testApp();
    await t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: DIEGO.password });
    const res = await t.get('/renovacion');
    expect(res.status).toBe(200);
  });
});

describe.skipIf(!postgres)('PostgreSQL down', () => {
  /** A TCP relay to the test server: "stopping PostgreSQL" is closing it and its sockets. */
  async function relay(target: URL) {
    const sockets = new Set<Socket>();
    let up = true;
    const server = createServer((client) => {
      if (!up) return client.destroy();
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
      url: (() => {
        const u = new URL(target);
        u.hostname = '127.0.0.1';
        u.port = String(port);
        return u.toString();
      })(),
      stop: () => {
        up = false;
        for (const s of sockets) s.destroy();
      },
      start: () => {
        up = true;
      },
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('database-backed requests answer 503 with Retry-After (a Spanish page for forms), and recover', async () => {
    const link = await relay(new URL(await freshPostgresUrl()));
    const renueva = await createRenueva(
      { DATABASE_URL: link.url, LOG_LEVEL: 'silent', RENUEVA_SECRET: 'x'.repeat(32) },
      {},
    );
    const errors: unknown[] = [];
    const app = createApp({
      useCases: renueva.useCases,
      policies: renueva.policies,
      mailbox: null,
      isReady: renueva.isReady,
      logger: { error: (e) => errors.push(e) },
      clock: renueva.clock,
    });
    const form = (path: string, body: Record<string, string>) =>
      app.request(path, {
        method: 'POST',
        body: new URLSearchParams(body),
        headers: {
          origin: 'http://localhost',
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
    const json = (path: string, body: unknown) =>
      app.request(`/api/v1${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    try {
      expect((await json('/sessions', { identifier: 'nadie', password: 'x' })).status).toBe(401);
      link.stop();
      const answers = [
        await json('/sessions', { identifier: 'nadie', password: 'x' }),
        await json('/recovery', { identifier: 'nadie@example.mx' }),
        await app.request('/api/v1/session', { headers: { authorization: 'Bearer abc' } }),
        await form('/iniciar-sesion', { identificador: 'nadie', contrasena: 'x' }),
        await form('/recuperacion', { identificador: 'nadie' }),
        await app.request('/readyz'),
      ];
      for (const res of answers) {
        expect(res.status, res.url).toBe(503);
      }
      for (const res of answers.slice(0, 5)) expect(res.headers.get('retry-after')).toBe('5');
      for (const res of answers.slice(0, 3))
        expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
      // and the API's document says so, with the header, for every operation
      const doc = (await (await app.request('/api/v1/openapi.json')).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, Documented> }>>;
      };
      for (const [path, byMethod] of Object.entries(doc.paths))
        for (const [method, op] of Object.entries(byMethod)) {
          const documented = op.responses['503'];
          const codes = documented?.content['application/json']?.schema.properties.error.properties;
          expect(codes?.code.enum, `${method} ${path}`).toContain('unavailable');
          expect(documented?.headers, `${method} ${path}`).toHaveProperty('Retry-After');
        }
      expect(await answers[3]?.text()).toContain('Inténtalo de nuevo en un momento');
      expect(errors).toEqual([]);
      link.start();
      await vi.waitFor(
        async () =>
          expect((await json('/sessions', { identifier: 'nadie', password: 'x' })).status).toBe(
            401,
          ),
        { timeout: 10_000, interval: 200 },
      );
    } finally {
      await renueva.close();
      await link.close();
    }
  });
});
