import type { PasswordHasher } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import type { RateLimiterFactory } from '../src/index.js';
import { DIEGO, NEW_PASSWORD, testApp, work } from './setup.js';

type App = Awaited<ReturnType<typeof testApp>>;

/** Counts every call of every method of the account repository (the store). */
function countStoreCalls(t: App): { calls: string[] } {
  const seen = { calls: [] as string[] };
  const accounts = t.ports.accounts as unknown as Record<string, unknown>;
  let proto: object | null = Object.getPrototypeOf(accounts);
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = accounts[name];
      if (name === 'constructor' || typeof method !== 'function') continue;
      accounts[name] = (...args: unknown[]) => {
        seen.calls.push(name);
        return (method as (...a: unknown[]) => unknown).apply(accounts, args);
      };
    }
    proto = Object.getPrototypeOf(proto);
  }
  return seen;
}

/** Every password check waits until `release` is called: sign-ins pile up in the hasher. */
function holdHasher(hasher: PasswordHasher) {
  const verify = hasher.verify.bind(hasher);
  const waiting: (() => void)[] = [];
  hasher.verify = async (hash, password) => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    return verify(hash, password);
  };
  return {
    waiting: () => waiting.length,
    release: () => {
      for (const go of waiting.splice(0)) go();
    },
  };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
};

/** A rate limiter that only counts what it is asked. */
const countingLimiters = () => {
  const consumed = { n: 0 };
  const factory: RateLimiterFactory = () => ({
    consume: async () => {
      consumed.n++;
    },
  });
  return { consumed, factory };
};

const signInApi = (t: App, identifier = DIEGO.username) =>
  t.api('/sessions', { identifier, password: 'contraseña equivocada' });

describe('the hashing gate: a full hasher refuses before any store work', () => {
  it('API: a sign-in past the capacity gets 503 busy + Retry-After, with no store call, no rate limit, no floor', async () => {
    const limiters = countingLimiters();
    const t = await testApp(
      {},
      { signInFloorMs: 300 },
      { passwordWork: work(1), rateLimiters: limiters.factory },
    );
    const hasher = holdHasher(t.ports.hasher);
    const first = signInApi(t);
    await until(() => hasher.waiting() === 1);

    const store = countStoreCalls(t);
    const consumedBefore = limiters.consumed.n;
    const started = performance.now();
    const refused = await signInApi(t, DIEGO.email);
    const ms = performance.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('busy');
    expect(body.error.message).toContain('Inténtalo de nuevo');
    expect(store.calls).toEqual([]);
    expect(limiters.consumed.n).toBe(consumedBefore);
    expect(ms).toBeLessThan(150); // not padded to the 300 ms floor: a 503 is no credential answer

    hasher.release();
    expect((await first).status).toBe(401);
  });

  it('form: the sign-in page again with "busy, try again in a few seconds", 503 + Retry-After', async () => {
    const t = await testApp({}, {}, { passwordWork: work(1) });
    const hasher = holdHasher(t.ports.hasher);
    const first = t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: 'x' });
    await until(() => hasher.waiting() === 1);
    const store = countStoreCalls(t);
    for (let i = 0; i < 2; i++) {
      // twice: the second is the page kept from the first
      const refused = await t.post('/iniciar-sesion', {
        identificador: 'nadie',
        contrasena: 'x',
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await refused.text();
      expect(html).toContain('El servicio está ocupado en este momento.');
      expect(html).toContain('Inicio de Sesión');
      expect(html).toContain('action="/iniciar-sesion"');
      // nothing of the request was read, so nothing of it is shown back
      expect(html).not.toContain('nadie');
    }
    expect(store.calls).toEqual([]);
    hasher.release();
    expect((await first).status).toBe(401);
  });

  it('API and forms share one count; the routes that hash behind it are all gated', async () => {
    const t = await testApp({}, {}, { passwordWork: work(1) });
    const hasher = holdHasher(t.ports.hasher);
    const first = t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: 'x' });
    await until(() => hasher.waiting() === 1);
    const store = countStoreCalls(t);
    expect((await signInApi(t)).status).toBe(503);
    const complete = { flowToken: 'x', code: '123456', newPassword: 'x', confirmation: 'x' };
    expect((await t.api('/renewal/complete', complete)).status).toBe(503);
    expect((await t.api('/recovery/complete', complete)).status).toBe(503);
    const form = { codigo: '123456', contrasena: 'x', confirmacion: 'x' };
    const renewal = await t.post('/renovacion', form);
    expect(renewal.status).toBe(503);
    expect(await renewal.text()).toContain('Renovación de Contraseña');
    const recovery = await t.post('/recuperacion/codigo', form);
    expect(recovery.status).toBe(503);
    expect(recovery.headers.get('retry-after')).toBe('1');
    // routes that never hash are not counted
    expect((await t.api('/recovery', { identifier: 'nadie' })).status).toBe(200);
    expect(store.calls.length).toBeGreaterThan(0);
    expect(store.calls).not.toContain('findLoginByEmail');
    hasher.release();
    await first;
  });

  it('a hasher full of other work refuses at once too (saturated)', async () => {
    const w = work(10);
    const t = await testApp({}, {}, { passwordWork: w });
    const store = countStoreCalls(t);
    w.full = true;
    expect((await signInApi(t)).status).toBe(503);
    expect(store.calls).toEqual([]);
    expect(w.refusals).toBe(1); // counted where the hasher counts its own (the metrics)
    w.full = false;
    expect((await signInApi(t)).status).toBe(401);
    expect(w.refusals).toBe(1);
  });

  it('a slot comes back on every path: success, failure, refusal by the rate limit, a throw', async () => {
    const t = await testApp({}, { rateLimitPerIdentifierPerMinute: 1 }, { passwordWork: work(1) });
    const admitted = async () => (await signInApi(t, `otro${Math.random()}`)).status !== 503;
    // a renewal start, a success, a wrong password
    const started = (await (
      await t.api('/sessions', { identifier: DIEGO.username, password: DIEGO.password })
    ).json()) as { flowToken: string };
    expect(
      (
        await t.api('/renewal/complete', {
          flowToken: started.flowToken,
          code: t.codeFor(),
          newPassword: NEW_PASSWORD,
          confirmation: NEW_PASSWORD,
        })
      ).status,
    ).toBe(200);
    expect(await admitted()).toBe(true);
    expect(
      (await t.api('/sessions', { identifier: DIEGO.email, password: NEW_PASSWORD })).status,
    ).toBe(200);
    expect(await admitted()).toBe(true);
    // the rate limit refuses before the use case
    expect((await signInApi(t, 'limitado')).status).toBe(401);
    expect((await signInApi(t, 'limitado')).status).toBe(429);
    expect(await admitted()).toBe(true);
    // a body the schema refuses
    expect((await t.api('/sessions', { identifier: 1 })).status).toBe(400);
    expect(await admitted()).toBe(true);
    // the store throws: a 500, and the slot is back
    const find = t.ports.accounts.findByLegacyUsername.bind(t.ports.accounts);
    t.ports.accounts.findByLegacyUsername = async () => {
      throw new Error('boom');
    };
    expect((await signInApi(t, 'cualquiera')).status).toBe(500);
    expect((await t.post('/iniciar-sesion', { identificador: 'x', contrasena: 'x' })).status).toBe(
      500,
    );
    t.ports.accounts.findByLegacyUsername = find;
    expect(await admitted()).toBe(true);
    expect(t.errors.length).toBe(2);
  });

  it('a sign-in gives its slot back when its check is done, not after waiting for the floor', async () => {
    const t = await testApp({}, { signInFloorMs: 400 }, { passwordWork: work(1) });
    const first = signInApi(t);
    // well inside the first one's floor wait: its check (a fast fake) is long done
    await new Promise((r) => setTimeout(r, 100));
    const second = await signInApi(t, DIEGO.email);
    expect(second.status).toBe(401);
    expect((await first).status).toBe(401);
  });

  it('without a bound there is no gate', async () => {
    const t = await testApp();
    const hasher = holdHasher(t.ports.hasher);
    const pending = Array.from({ length: 5 }, () => signInApi(t));
    await until(() => hasher.waiting() === 5);
    hasher.release();
    for (const res of await Promise.all(pending)) expect(res.status).toBe(401);
  });
});
