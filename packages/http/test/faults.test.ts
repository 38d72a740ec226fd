import { describe, expect, it } from 'vitest';
import { DIEGO, testApp } from './setup.js';

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
