import { Err } from '@renueva/domain';
import { describe, expect, it, vi } from 'vitest';
import { ERROR_STATUS } from '../src/error-status.js';
import { DIEGO, testApp } from './setup.js';

// Behaviours that once changed without any test failing (issue 13): each test here was
// checked by breaking the code it names by hand and seeing it fail.

describe('error statuses', () => {
  it('maps every domain error code to its status, exactly', () => {
    expect(ERROR_STATUS).toEqual({
      invalid_credentials: 401,
      throttled: 429,
      no_deliverable_email: 422,
      flow_invalid: 400,
      code_invalid: 400,
      code_expired: 410,
      code_exhausted: 400,
      code_rejected: 400,
      resend_too_soon: 429,
      password_rejected: 422,
      session_invalid: 401,
      conflict: 409,
      busy: 503,
      invalid_input: 400,
      not_found: 404,
      already_migrated: 409,
    });
  });

  it('a store that loses every race answers 409 conflict, on the API and on the sign-in page', async () => {
    const t = await testApp();
    vi.spyOn(t.ports.accounts, 'save').mockImplementation(async () =>
      Err({ code: 'conflict' as const }),
    );
    const api = await t.api('/sessions', { identifier: DIEGO.username, password: DIEGO.password });
    expect(api.status).toBe(409);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('conflict');
    const page = await t.post('/iniciar-sesion', {
      identificador: DIEGO.username,
      contrasena: DIEGO.password,
    });
    expect(page.status).toBe(409);
    expect(t.errors).toEqual([]);
  });
});

describe('CSRF and content types', () => {
  it('behind a reverse proxy, a form from the PUBLIC_URL origin is accepted; another origin is not', async () => {
    const t = await testApp({ publicUrl: 'https://facturacion.example.mx' });
    // the proxy forwards to the portal's own address: the request URL is not the public one
    const post = (origin: string) =>
      t.app.request('http://127.0.0.1:3000/iniciar-sesion', {
        method: 'POST',
        body: new URLSearchParams({ identificador: 'nadie', contrasena: 'x' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      });
    expect((await post('https://facturacion.example.mx')).status).toBe(401);
    expect((await post('http://facturacion.example.mx')).status).toBe(403);
    expect((await post('https://evil.example')).status).toBe(403);
  });

  it('the API takes application/json only, however the type is dressed', async () => {
    const t = await testApp();
    const send = (type: string) =>
      t.api(
        '/sessions',
        { identifier: 'nadie', password: 'x' },
        { headers: { 'content-type': type } },
      );
    for (const type of [
      'text/plain; x=application/json',
      'text/plain;application/json',
      'application/jsonp',
      'application/json-patch+json',
      'multipart/form-data; boundary=application/json',
    ])
      expect((await send(type)).status, type).toBe(415);
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON'])
      expect((await send(type)).status, type).toBe(401);
  });
});

describe('cookies', () => {
  it('the flow cookies last an hour, the session cookie the absolute session lifetime', async () => {
    const t = await testApp();
    const started = await t.post('/iniciar-sesion', {
      identificador: DIEGO.username,
      contrasena: DIEGO.password,
    });
    expect(started.status).toBe(303);
    const flow = started.headers.getSetCookie();
    expect(flow.filter((c) => /^renueva_flow(_info)?=/.test(c))).toHaveLength(2);
    for (const cookie of flow) expect(cookie, cookie).toMatch(/; Max-Age=3600;/);

    const code = t.codeFor();
    const done = await t.post('/renovacion', {
      codigo: code,
      contrasena: 'tortuga violeta bajo el puente',
      confirmacion: 'tortuga violeta bajo el puente',
    });
    expect(done.status).toBe(303);
    const signedIn = await t.post('/iniciar-sesion', {
      identificador: DIEGO.email,
      contrasena: 'tortuga violeta bajo el puente',
    });
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith('renueva_session='));
    expect(session).toMatch(/; Max-Age=43200;/);
  });
});
