import fc from 'fast-check';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import type { RateLimiterFactory } from '../src/deps.js';
import { rateLimits } from '../src/limits.js';
import { DIEGO, NEW_PASSWORD, ORIGIN, testApp } from './setup.js';

interface Operation {
  operationId: string;
  security: unknown[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<
    string,
    {
      content?: Record<
        string,
        {
          examples?: Record<string, { value: unknown }>;
          schema: { properties?: { error?: { properties: { code: { enum: string[] } } } } };
        }
      >;
    }
  >;
}
interface OpenApi {
  openapi: string;
  info: { license?: unknown };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: object }> };
}

interface ErrorJson {
  code: string;
  message: string;
  field?: string;
}

const openApi = async (app: { request(path: string): Response | Promise<Response> }) =>
  (await (await app.request('/api/v1/openapi.json')).json()) as OpenApi;

const operations = (doc: OpenApi) =>
  Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ method, path, op })),
  );

/** The error codes an operation documents, as `status code`, sorted. */
const errorsOf = (op: Operation) =>
  Object.entries(op.responses)
    .filter(([status]) => Number(status) >= 400)
    .flatMap(([status, r]) =>
      (r.content?.['application/json']?.schema.properties?.error?.properties.code.enum ?? []).map(
        (code) => `${status} ${code}`,
      ),
    )
    .sort();

describe('JSON API', () => {
  it('runs the whole flow: sign in, renew, sign in by email, me, sign out', async () => {
    const t = await testApp();
    const started = await t.api('/sessions', {
      identifier: DIEGO.username,
      password: DIEGO.password,
    });
    expect(started.status).toBe(200);
    const body = (await started.json()) as {
      outcome: string;
      flowToken: string;
      maskedEmail: string;
    };
    expect(body).toMatchObject({
      outcome: 'renewal_started',
      maskedEmail: 'diego.barron.***@oxxog**.c**',
      emailed: true,
      expiresAt: expect.any(String), // the domain's name for when the code stops working
    });
    expect(body).not.toHaveProperty('codeExpiresAt');
    const done = await t.api('/renewal/complete', {
      flowToken: body.flowToken,
      code: t.codeFor(),
      newPassword: NEW_PASSWORD,
      confirmation: NEW_PASSWORD,
    });
    expect(await done.json()).toEqual({
      loginEmail: DIEGO.email,
      customerNumbers: ['2242455'],
      migrated: true,
      passwordChanged: false,
    });
    const signedIn = (await (
      await t.api('/sessions', { identifier: DIEGO.email, password: NEW_PASSWORD })
    ).json()) as {
      sessionToken: string;
      customerNumbers: string[];
    };
    expect(signedIn).toMatchObject({ outcome: 'signed_in', customerNumbers: ['2242455'] });
    const auth = { authorization: `Bearer ${signedIn.sessionToken}` };
    const me = await t.app.request('/api/v1/session', { headers: auth });
    expect(await me.json()).toEqual({
      loginEmail: DIEGO.email,
      customerNumber: '2242455',
      customerNumbers: ['2242455'],
      sessionExpiresAt: expect.any(String),
    });
    expect(
      (await t.app.request('/api/v1/session', { method: 'DELETE', headers: auth })).status,
    ).toBe(204);
    const after = await t.app.request('/api/v1/session', { headers: auth });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({
      error: { code: 'session_invalid', message: 'Tu sesión terminó. Inicia sesión de nuevo.' },
    });
  });

  it('two customer numbers of one email: the second renewal joins the login; the session lists and switches them', async () => {
    const t = await testApp();
    const EMAIL = 'admin@flotillas.mx';
    const FIRST = 'primera frase de la flotilla';
    const SECOND = 'segunda frase de la flotilla';
    const renew = async (identifier: string, password: string) => {
      const started = (await (
        await t.api('/sessions', { identifier, password: 'legacy-pass' })
      ).json()) as { outcome: string; flowToken: string };
      expect(started.outcome).toBe('renewal_started');
      const done = await t.api('/renewal/complete', {
        flowToken: started.flowToken,
        code: t.codeFor(EMAIL),
        newPassword: password,
        confirmation: password,
      });
      expect(done.status).toBe(200);
      return done.json();
    };
    const signIn = async (password: string) => {
      const r = await t.api('/sessions', { identifier: EMAIL, password });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const session = (token: unknown) => ({ authorization: `Bearer ${token}` });

    expect(await renew('flotilla01', FIRST)).toEqual({
      loginEmail: EMAIL,
      customerNumbers: ['102'],
      migrated: true,
      passwordChanged: false,
    });
    const before = await signIn(FIRST);
    expect(before.body).toMatchObject({ outcome: 'signed_in', customerNumbers: ['102'] });

    expect(await renew('flotilla02', SECOND)).toEqual({
      loginEmail: EMAIL,
      customerNumbers: ['102', '103'],
      migrated: true,
      passwordChanged: true,
    });
    // the session opened before the join ended; the first password is gone
    const ended = await t.app.request('/api/v1/session', {
      headers: session(before.body.sessionToken),
    });
    expect(ended.status).toBe(401);
    expect((await signIn(FIRST)).status).toBe(401);

    const now = await signIn(SECOND);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ outcome: 'signed_in', customerNumbers: ['102', '103'] });
    const auth = session(now.body.sessionToken);
    const me = await t.app.request('/api/v1/session', { headers: auth });
    expect(await me.json()).toEqual({
      loginEmail: EMAIL,
      customerNumber: '102',
      customerNumbers: ['102', '103'],
      sessionExpiresAt: expect.any(String),
    });

    const select = (customerNumber: unknown, headers: Record<string, string> = auth) =>
      t.api('/session/customer-number', { customerNumber }, { method: 'PUT', headers });
    const switched = await select('103');
    expect(switched.status).toBe(200);
    expect(await switched.json()).toMatchObject({
      customerNumber: '103',
      customerNumbers: ['102', '103'],
    });
    expect(await (await t.app.request('/api/v1/session', { headers: auth })).json()).toMatchObject({
      customerNumber: '103',
    }); // kept in the session

    const foreign = await select('2242455');
    expect(foreign.status).toBe(404);
    const error = ((await foreign.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('número de cliente');
    expect(await (await t.app.request('/api/v1/session', { headers: auth })).json()).toMatchObject({
      customerNumber: '103',
    }); // unchanged

    expect((await select(103)).status).toBe(400);
    expect((await select('1'.repeat(21))).status).toBe(400);
    expect(
      (await t.api('/session/customer-number', {}, { method: 'PUT', headers: auth })).status,
    ).toBe(400);
    const anonymous = await select('102', {});
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      'session_invalid',
    );
  });

  it('identical status and body for unknown user, wrong password and wrong legacy password', async () => {
    const t = await testApp();
    await t.api('/sessions', { identifier: 'flotilla01', password: 'legacy-pass' });
    await t.api('/renewal/complete', {
      flowToken: (
        (await (
          await t.api('/sessions', { identifier: 'flotilla01', password: 'legacy-pass' })
        ).json()) as { flowToken: string }
      ).flowToken,
      code: t.codeFor('admin@flotillas.mx'),
      newPassword: NEW_PASSWORD,
      confirmation: NEW_PASSWORD,
    });
    const attempts = [
      { identifier: 'nadie', password: 'x' },
      { identifier: 'nadie@example.com', password: 'x' },
      { identifier: DIEGO.username, password: 'wrong legacy' },
      { identifier: 'admin@flotillas.mx', password: 'wrong' },
      { identifier: 'flotilla01', password: 'legacy-pass' },
    ];
    const answers = await Promise.all(
      attempts.map(async (a) => {
        const r = await t.api('/sessions', a);
        return `${r.status} ${await r.text()}`;
      }),
    );
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toBe(
      '401 {"error":{"code":"invalid_credentials","message":"Usuario o contraseña incorrectos."}}',
    );

    // the pages too: same status, same page (but for the echoed identifier)
    const pages = await Promise.all(
      attempts.map(async (a) => {
        const r = await t.post('/iniciar-sesion', {
          identificador: a.identifier,
          contrasena: a.password,
        });
        return `${r.status} ${(await r.text()).replace(`value="${a.identifier}"`, 'value=""')}`;
      }),
    );
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).toMatch(/^401 /);
  });

  it('every domain error reaches the client as { error: { code, message } } with its status', async () => {
    const t = await testApp();
    const started = (await (
      await t.api('/sessions', { identifier: DIEGO.username, password: DIEGO.password })
    ).json()) as {
      flowToken: string;
    };
    const wrong = t.codeFor() === '000000' ? '111111' : '000000';
    const r = await t.api('/renewal/complete', {
      flowToken: started.flowToken,
      code: wrong,
      newPassword: NEW_PASSWORD,
      confirmation: NEW_PASSWORD,
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      error: {
        code: 'code_invalid',
        message: 'El código es incorrecto. Te quedan 4 intentos con este código.',
        attemptsLeft: 4,
      },
    });
    const weak = await t.api('/renewal/complete', {
      flowToken: started.flowToken,
      code: t.codeFor(),
      newPassword: 'corta',
      confirmation: 'corta',
    });
    expect(weak.status).toBe(422);
    expect(((await weak.json()) as { error: { reasons: unknown[] } }).error.reasons).toEqual([
      { kind: 'too_short', message: 'Debe tener al menos 12 caracteres.' },
    ]);
    const soon = await t.api('/renewal/resend', { flowToken: started.flowToken });
    expect(soon.status).toBe(429);
    expect(soon.headers.get('retry-after')).toBe('60');
    t.ports.clock.advance(60);
    const resent = await t.api('/renewal/resend', { flowToken: started.flowToken });
    expect(resent.status).toBe(200);
    expect(await resent.json()).toEqual({
      maskedEmail: 'diego.barron.***@oxxog**.c**',
      resendAvailableAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    const forged = await t.api('/renewal/resend', { flowToken: 'forged' });
    expect(forged.status).toBe(400);
    const recovery = await t.api('/recovery', { identifier: 'nadie' });
    expect(Object.keys((await recovery.json()) as object)).toEqual(['flowToken']);
  });

  it('recovery answers a real and an unknown account alike, code after code', async () => {
    const t = await testApp();
    const flow = async (identifier: string) =>
      ((await (await t.api('/recovery', { identifier })).json()) as { flowToken: string })
        .flowToken;
    const real = await flow(DIEGO.username);
    const unknown = await flow('nadie');
    const wrong = t.codeFor() === '000000' ? '111111' : '000000';
    const answers = async (flowToken: string) => {
      const seen: unknown[] = [];
      for (const newPassword of ['corta', NEW_PASSWORD, NEW_PASSWORD, NEW_PASSWORD]) {
        const r = await t.api('/recovery/complete', {
          flowToken,
          code: wrong,
          newPassword,
          confirmation: newPassword,
        });
        seen.push([r.status, await r.json()]);
      }
      // the renewal routes refuse a recovery flow the same way too
      for (const path of ['/renewal/resend', '/renewal/complete']) {
        const r = await t.api(path, {
          flowToken,
          code: t.codeFor(),
          newPassword: NEW_PASSWORD,
          confirmation: NEW_PASSWORD,
        });
        seen.push([r.status, await r.json()]);
      }
      return seen;
    };
    const fromReal = await answers(real);
    expect(await answers(unknown)).toEqual(fromReal);
    expect(fromReal[0]).toEqual([
      400,
      {
        error: {
          code: 'code_rejected',
          message:
            'El código no es válido o ya venció. Revisa el último correo que te enviamos o solicita un código nuevo.',
        },
      },
    ]);
  });

  it('publishes an OpenAPI document generated from the schemas', async () => {
    const t = await testApp();
    const doc = await openApi(t.app);
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.license).toEqual({ name: 'MIT', url: 'https://opensource.org/licenses/MIT' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/recovery',
      '/recovery/complete',
      '/renewal/complete',
      '/renewal/resend',
      '/session',
      '/session/customer-number',
      '/sessions',
    ]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Me', 'SelectCustomerNumber', 'CompleteResult']),
    );
    const schemas = doc.components.schemas as Record<string, { properties: object }>;
    expect(Object.keys(schemas.Me?.properties ?? {}).sort()).toEqual([
      'customerNumber',
      'customerNumbers',
      'loginEmail',
      'sessionExpiresAt',
    ]);
    expect(Object.keys(schemas.CompleteResult?.properties ?? {})).toEqual(
      expect.arrayContaining(['customerNumbers', 'passwordChanged']),
    );
    expect(Object.keys(schemas.ResendResult?.properties ?? {})).toContain('expiresAt');

    const ops = operations(doc);
    expect(
      ops.map((o) => `${o.method} ${o.path} ${o.op.operationId} ${o.op.security.length}`),
    ).toEqual([
      'post /sessions signIn 0',
      'post /renewal/resend resendRenewalCode 0',
      'post /renewal/complete completeRenewal 0',
      'post /recovery requestRecovery 0',
      'post /recovery/complete completeRecovery 0',
      'get /session getSession 1',
      'delete /session signOut 1',
      'put /session/customer-number selectCustomerNumber 1',
    ]);
    for (const { op } of ops) {
      if (op.requestBody) expect(op.requestBody.content['application/json']?.example).toBeDefined();
      for (const response of Object.values(op.responses)) {
        const media = response.content?.['application/json'];
        if (media) expect(Object.keys(media.examples ?? {}).length).toBeGreaterThan(0);
      }
    }
    // what each operation can answer, read from its use case; a body brings 400 / 413 / 415;
    // every one touches the store, which may not answer (503 unavailable)
    const store = (...codes: string[]) => ['503 unavailable', ...codes].sort();
    const body = (...codes: string[]) =>
      store('400 invalid_input', '413 payload_too_large', '415 unsupported_media_type', ...codes);
    expect(Object.fromEntries(ops.map((o) => [`${o.method} ${o.path}`, errorsOf(o.op)]))).toEqual({
      'post /sessions': body(
        '401 invalid_credentials',
        '409 conflict',
        '422 no_deliverable_email',
        '429 throttled',
        '503 busy',
      ),
      'post /renewal/resend': body(
        '400 flow_invalid',
        '409 conflict',
        '422 no_deliverable_email',
        '429 resend_too_soon',
      ),
      'post /renewal/complete': body(
        '400 code_exhausted',
        '400 code_invalid',
        '400 flow_invalid',
        '409 conflict',
        '410 code_expired',
        '422 no_deliverable_email',
        '422 password_rejected',
        '429 throttled',
        '503 busy',
      ),
      'post /recovery': body('429 throttled'),
      'post /recovery/complete': body(
        '400 code_rejected',
        '409 conflict',
        '422 no_deliverable_email',
        '422 password_rejected',
        '503 busy',
      ),
      'get /session': store('401 session_invalid'),
      'put /session/customer-number': body('401 session_invalid', '404 not_found'),
      'delete /session': store(),
    });
  });

  it('health and readiness', async () => {
    const t = await testApp();
    expect(await (await t.app.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.request('/readyz')).status).toBe(200);
  });
});

describe('invalid input: a Spanish message and the field at fault', () => {
  const COMPLETE = {
    flowToken: 'x',
    code: '123456',
    newPassword: NEW_PASSWORD,
    confirmation: NEW_PASSWORD,
  };
  const cases: [string, string, unknown, string, string][] = [
    [
      'not JSON',
      '/renewal/complete',
      '{"flowToken": ',
      '',
      'El cuerpo de la solicitud no es JSON válido.',
    ],
    [
      'an empty body',
      '/renewal/complete',
      '',
      '',
      'El cuerpo de la solicitud está vacío: envía un objeto JSON.',
    ],
    ['a list', '/sessions', [], '', 'El cuerpo de la solicitud debe ser un objeto JSON.'],
    ['null', '/recovery', null, '', 'El cuerpo de la solicitud debe ser un objeto JSON.'],
    ['a missing field', '/sessions', { identifier: 'x' }, 'password', 'Falta el campo password.'],
    [
      'a field that is null',
      '/recovery',
      { identifier: null },
      'identifier',
      'El campo identifier debe ser texto.',
    ],
    [
      'a number for text',
      '/renewal/complete',
      { ...COMPLETE, code: 123456 },
      'code',
      'El campo code debe ser texto.',
    ],
    [
      'an object for text',
      '/renewal/resend',
      { flowToken: { a: 1 } },
      'flowToken',
      'El campo flowToken debe ser texto.',
    ],
    [
      'a string too long',
      '/recovery/complete',
      { ...COMPLETE, newPassword: 'x'.repeat(1025) },
      'newPassword',
      'El campo newPassword admite como máximo 1024 caracteres.',
    ],
    [
      'a customer number too long',
      '/session/customer-number',
      { customerNumber: '1'.repeat(21) },
      'customerNumber',
      'El campo customerNumber admite como máximo 20 caracteres.',
    ],
  ];

  it.each(cases)('%s', async (_, path, body, field, message) => {
    const t = await testApp();
    const method = path === '/session/customer-number' ? 'PUT' : 'POST';
    const res = await t.api(path, typeof body === 'string' ? body : JSON.stringify(body), {
      method,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_input', message, field } });
  });

  it('the documented example is a real answer', async () => {
    const t = await testApp();
    const doc = await openApi(t.app);
    const documented =
      doc.paths['/recovery/complete']?.post?.responses['400']?.content?.['application/json']
        ?.examples?.invalid_input?.value;
    const res = await t.api('/recovery/complete', { ...COMPLETE, newPassword: 'x'.repeat(1025) });
    expect(await res.json()).toEqual(documented);
  });
});

describe('defences', () => {
  it('session cookie: HttpOnly, Secure, SameSite=Lax, __Host- over https; rotated at sign-in', async () => {
    const t = await testApp({ publicUrl: 'https://facturacion.example.mx' });
    await t.post('/iniciar-sesion', { identificador: 'flotilla01', contrasena: 'legacy-pass' });
    await t.post('/renovacion', {
      codigo: t.codeFor('admin@flotillas.mx'),
      contrasena: NEW_PASSWORD,
      confirmacion: NEW_PASSWORD,
    });
    const res = await t.post('/iniciar-sesion', {
      identificador: 'admin@flotillas.mx',
      contrasena: NEW_PASSWORD,
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-renueva_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/);
    const first = t.cookies().get('__Host-renueva_session');
    await t.post('/iniciar-sesion', {
      identificador: 'admin@flotillas.mx',
      contrasena: NEW_PASSWORD,
    });
    const second = t.cookies().get('__Host-renueva_session');
    expect(second).not.toBe(first);
    const old = await t.app.request('/api/v1/session', {
      headers: { authorization: `Bearer ${first}` },
    });
    expect(old.status).toBe(401); // the previous session ended
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('refuses a form posted from another origin (CSRF)', async () => {
    const t = await testApp();
    const res = await t.post(
      '/iniciar-sesion',
      { identificador: 'x', contrasena: 'y' },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('La solicitud no vino de este portal');
    const noOrigin = await t.app.request('/iniciar-sesion', {
      method: 'POST',
      body: 'identificador=x&contrasena=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(noOrigin.status).toBe(403);
    const sameSite = await t.app.request('/iniciar-sesion', {
      method: 'POST',
      body: 'identificador=x&contrasena=y',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
      },
    });
    expect(sameSite.status).toBe(401);
  });

  it('refuses an oversized body (413) and a non-JSON API body (415)', async () => {
    const t = await testApp();
    const big = await t.post('/iniciar-sesion', {
      identificador: 'x'.repeat(20_000),
      contrasena: 'y',
    });
    expect(big.status).toBe(413);
    const bigApi = await t.api('/sessions', { identifier: 'x', password: 'y'.repeat(20_000) });
    expect(bigApi.status).toBe(413);
    expect(((await bigApi.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
    // a method no route reads a body of: the body is ignored, not refused
    const bigDelete = await t.app.request('/api/v1/session', {
      method: 'DELETE',
      body: 'x'.repeat(20_000),
    });
    expect(bigDelete.status).toBe(204);
    const form = await t.app.request('/api/v1/sessions', {
      method: 'POST',
      body: 'identifier=x&password=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    });
    expect(form.status).toBe(415);
  });

  it('secure headers and no-store everywhere it matters', async () => {
    const t = await testApp();
    const res = await t.get('/iniciar-sesion');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(
      (await t.api('/sessions', { identifier: 'x', password: 'y' })).headers.get('cache-control'),
    ).toBe('no-store');
  });

  it('rate-limits per identifier and per IP with Retry-After', async () => {
    const t = await testApp(
      {},
      { rateLimitPerIpPerMinute: 100, rateLimitPerIdentifierPerMinute: 3 },
    );
    for (let i = 0; i < 3; i++)
      expect((await t.api('/sessions', { identifier: 'Target', password: 'x' })).status).toBe(401);
    const limited = await t.api('/sessions', { identifier: 'target', password: 'x' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.api('/sessions', { identifier: 'other', password: 'x' })).status).toBe(401);
    const page = await t.post('/iniciar-sesion', { identificador: 'TARGET', contrasena: 'x' });
    expect(page.status).toBe(429);
    expect(await page.text()).toContain('Demasiados intentos');
  });

  it('counts where the given limiters keep them, and never keeps an identifier in clear', async () => {
    const keys: string[] = [];
    const limiters: RateLimiterFactory = (o) => {
      const limiter = new RateLimiterMemory(o);
      const consume = limiter.consume.bind(limiter);
      limiter.consume = (key, points) => {
        keys.push(`${o.keyPrefix}:${key}`);
        return consume(key, points);
      };
      return limiter;
    };
    const limit = rateLimits({ perIp: 10, perIdentifier: 2 }, limiters);
    expect(await limit('203.0.113.7', ' Diego.Barron.Rmz@OxxoGas.com')).toBeNull();
    expect(await limit('203.0.113.7', 'diego.barron.rmz@oxxogas.com')).toBeNull();
    expect(await limit('203.0.113.7', 'diego.barron.rmz@oxxogas.com')).toBeGreaterThan(0);
    expect(keys.filter((k) => k.startsWith('ip:'))).toEqual(Array(3).fill('ip:203.0.113.7'));
    const ids = keys.filter((k) => k.startsWith('id:'));
    expect(new Set(ids).size).toBe(1); // one key, whatever the case and spacing
    expect(ids[0]).toMatch(/^id:[A-Za-z0-9_-]{43}$/);
  });

  it('behind a trusted proxy, the per-IP limit keys on X-Forwarded-For (and ignores it otherwise)', async () => {
    const limits = { rateLimitPerIpPerMinute: 1, rateLimitPerIdentifierPerMinute: 100 };
    const proxied = await testApp({ trustProxy: true }, limits);
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } });
    expect(
      (await proxied.api('/sessions', { identifier: 'a', password: 'x' }, from('203.0.113.1')))
        .status,
    ).toBe(401);
    expect(
      (await proxied.api('/sessions', { identifier: 'b', password: 'x' }, from('203.0.113.2')))
        .status,
    ).toBe(401);
    expect(
      (await proxied.api('/sessions', { identifier: 'c', password: 'x' }, from('203.0.113.1')))
        .status,
    ).toBe(429);
    const direct = await testApp({}, limits);
    expect(
      (await direct.api('/sessions', { identifier: 'a', password: 'x' }, from('203.0.113.1')))
        .status,
    ).toBe(401);
    expect(
      (await direct.api('/sessions', { identifier: 'b', password: 'x' }, from('203.0.113.2')))
        .status,
    ).toBe(429);
  });

  it('a known path asked with another method is a 405 with Allow (API and pages); an unknown path a 404', async () => {
    const t = await testApp();
    const refused = async (path: string, method: string, allow: string) => {
      const res = await t.app.request(path, {
        method,
        // a body the API would refuse otherwise (415): the method is judged first
        ...(method === 'GET' || method === 'HEAD'
          ? {}
          : { body: 'x', headers: { 'content-type': 'text/plain' } }),
      });
      expect([path, method, res.status, res.headers.get('allow')]).toEqual([
        path,
        method,
        405,
        allow,
      ]);
      expect(res.headers.get('cache-control')).toBe('no-store');
      return res;
    };
    const api = await refused('/api/v1/sessions', 'GET', 'POST');
    expect(await api.json()).toEqual({
      error: {
        code: 'method_not_allowed',
        message: 'Esta dirección no admite ese método de solicitud.',
      },
    });
    await refused('/api/v1/session', 'POST', 'DELETE, GET, HEAD');
    await refused('/api/v1/session/customer-number', 'PATCH', 'PUT');
    await refused('/api/v1/openapi.json', 'PUT', 'GET, HEAD');
    const page = await refused('/cerrar-sesion', 'GET', 'POST');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Esta dirección no admite ese método de solicitud.');
    await refused('/iniciar-sesion', 'DELETE', 'GET, HEAD, POST');
    await refused('/_dev/mailbox/1', 'POST', 'GET, HEAD');
    await refused('/healthz', 'OPTIONS', 'GET, HEAD');

    // HEAD is answered wherever GET is
    expect((await t.app.request('/api/v1/session', { method: 'HEAD' })).status).toBe(401);
    // unknown paths stay 404, whatever the method
    for (const [path, method] of [
      ['/api/v1/nada', 'GET'],
      ['/api/v1/sessions/1', 'DELETE'],
      ['/api/v1/session/', 'GET'],
      ['/nada', 'POST'],
    ] as const) {
      const res = await t.app.request(path, { method, headers: { origin: ORIGIN } });
      expect([path, res.status, res.headers.get('allow')]).toEqual([path, 404, null]);
    }
  });

  it('unknown routes are a 404 in Spanish; the dev mailbox is absent without a mailbox', async () => {
    const t = await testApp();
    const missing = await t.get('/nada');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No encontramos la página que buscas.');
    const { createApp } = await import('../src/index.js');
    const app = createApp({
      useCases: {} as never,
      policies: t.ports.policies,
      mailbox: null,
      isReady: async () => false,
      logger: { error: () => undefined },
      clock: t.ports.clock,
    });
    expect((await app.request('/_dev/mailbox')).status).toBe(404);
    expect((await app.request('/readyz')).status).toBe(503);
  });
});

describe('fuzzing every JSON route: never a 5xx, never an answer the document does not list', () => {
  const routes: [string, string][] = [
    ['POST', '/sessions'],
    ['POST', '/renewal/resend'],
    ['POST', '/renewal/complete'],
    ['POST', '/recovery'],
    ['POST', '/recovery/complete'],
    ['GET', '/session'],
    ['PUT', '/session/customer-number'],
    ['DELETE', '/session'],
  ];
  // now and then another method than the route's own
  const method = fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), {
    freq: 4,
  });
  const junk = fc.oneof(
    fc.string({ maxLength: 3000 }),
    fc.constant('\u0000'.repeat(50)),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 50 })),
  );
  const body = fc.oneof(
    fc.record(
      {
        identifier: junk,
        password: junk,
        customerNumber: junk,
        flowToken: junk,
        code: junk,
        newPassword: junk,
        confirmation: junk,
      },
      { requiredKeys: [] },
    ),
    fc.string({ maxLength: 200 }).map((s) => `{bad json ${s}`),
    junk.map((j) => JSON.stringify(j) ?? 'null'),
    fc.constantFrom('', '   ', 'x'.repeat(20_000)),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-8',
    '',
  );
  const authorization = fc.option(
    fc.oneof(
      fc.string({ maxLength: 300 }).map((s) => `Bearer ${s}`),
      fc.base64String({ maxLength: 60 }),
    ),
  );

  it('answers 2xx/4xx, each documented for its operation (405 with Allow for another method)', async () => {
    const t = await testApp();
    const doc = await openApi(t.app);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        method,
        body,
        contentType,
        authorization,
        async ([own, route], other, b, type, auth) => {
          const m = other ?? own;
          const headers: Record<string, string> = {
            ...(type ? { 'content-type': type } : {}),
            ...(auth ? { authorization: auth } : {}),
          };
          const res = await t.app.request(`/api/v1${route}`, {
            method: m,
            ...(m === 'GET' ? {} : { body: typeof b === 'string' ? b : JSON.stringify(b) }),
            headers,
          });
          const seen = `${m} ${route} -> ${res.status}`;
          expect(res.status, seen).toBeLessThan(500);
          const json = res.status === 204 ? null : ((await res.json()) as { error?: ErrorJson });
          const op = doc.paths[route]?.[m.toLowerCase()];
          if (!op) {
            const methods = Object.keys(doc.paths[route] ?? {}).map((k) => k.toUpperCase());
            expect(res.status, seen).toBe(405);
            const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort();
            expect(res.headers.get('allow')).toBe(allow.join(', '));
            return;
          }
          expect(Object.keys(op.responses), seen).toContain(String(res.status));
          if (res.status < 400) return;
          expect(json?.error, seen).toMatchObject({
            code: expect.any(String),
            message: expect.stringMatching(/\.$/),
          });
          expect(errorsOf(op), seen).toContain(`${res.status} ${json?.error?.code}`);
          expect(json?.error?.message).not.toMatch(/invalid|expected|received/i); // zod's English
          if (json?.error?.code === 'invalid_input') expect(json.error.field).toBeTypeOf('string');
        },
      ),
      { numRuns: 400 },
    );
    expect(t.errors).toEqual([]);
  });
});
