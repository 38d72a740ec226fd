import { setTimeout as sleep } from 'node:timers/promises';
import { Ok } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import { DIEGO, NEW_PASSWORD, testApp } from './setup.js';

type App = Awaited<ReturnType<typeof testApp>>;

const SLOW_LEGACY_PASSWORD = 'legacy-pass'; // flotilla01 and flotilla02: a "slow scheme"

/**
 * The classes of identifier a sign-in can name, as an attacker would probe them: none
 * should take a different time or get a different back-off.
 */
async function classes(t: App) {
  // Diego renews: his email is a login, his legacy username now names a renewed account
  const started = (await (
    await t.api('/sessions', { identifier: DIEGO.username, password: DIEGO.password })
  ).json()) as { flowToken: string };
  const done = await t.api('/renewal/complete', {
    flowToken: started.flowToken,
    code: t.codeFor(),
    newPassword: NEW_PASSWORD,
    confirmation: NEW_PASSWORD,
  });
  expect(done.status).toBe(200);
  return {
    'unknown username': 'nadie.existe',
    'unknown email': 'nadie@example.mx',
    'legacy, fast scheme': 'SinCorreo',
    'legacy, slow scheme': 'flotilla01',
    'renewed login (email)': DIEGO.email,
    'legacy username of a renewed account': DIEGO.username,
  };
}

/** Password checks that take as long as real ones would, relative to each other. */
function slowCrypto(
  t: App,
  { argon2Ms, slowLegacyMs }: { argon2Ms: number; slowLegacyMs: number },
) {
  const { hasher, legacy } = t.ports;
  const verify = hasher.verify.bind(hasher);
  hasher.verify = async (hash, password) => {
    await sleep(argon2Ms);
    return verify(hash, password);
  };
  const legacyVerify = legacy.verify.bind(legacy);
  legacy.verify = async (stored, password) => {
    if (stored === `plain:${SLOW_LEGACY_PASSWORD}`) {
      await sleep(slowLegacyMs);
      return Ok(false);
    }
    return legacyVerify(stored, password);
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/**
 * Alternating rounds: one wrong-password sign-in per class per round, timed. Each class's
 * figure is the median over rounds of its time minus the round's median, so load that
 * slows a whole round (a shared machine) cancels out instead of landing on one class.
 */
async function medians(t: App, ids: Record<string, string>, via: 'form' | 'api', rounds: number) {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(ids).map((k) => [k, []]),
  );
  const raw: Record<string, number[]> = Object.fromEntries(Object.keys(ids).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    const times: Record<string, number> = {};
    // rotate the order so no class is always first after a pause
    const order = Object.entries(ids);
    const rotated = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
    for (const [name, identifier] of rotated) {
      const started = performance.now();
      const res =
        via === 'api'
          ? await t.api('/sessions', { identifier, password: 'contraseña equivocada' })
          : await t.post('/iniciar-sesion', {
              identificador: identifier,
              contrasena: 'contraseña equivocada',
            });
      await res.arrayBuffer();
      times[name] = performance.now() - started;
    }
    const middle = median(Object.values(times));
    for (const [name, ms] of Object.entries(times)) {
      samples[name]?.push(ms - middle);
      raw[name]?.push(ms);
    }
  }
  const m = (xs: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(xs).map(([k, v]) => [k, median(v)]));
  return { relative: m(samples), absolute: m(raw) };
}

const spread = (m: Record<string, number>) =>
  Math.max(...Object.values(m)) - Math.min(...Object.values(m));

describe('sign-in answers reveal nothing about the identifier', () => {
  it('every class answers in the same time (median spread <= 5 ms), form and API', async () => {
    const crypto = { argon2Ms: 3, slowLegacyMs: 15 };
    const t = await testApp({}, { signInFloorMs: 25 });
    const ids = await classes(t);
    slowCrypto(t, crypto);
    for (const via of ['api', 'form'] as const) {
      const { relative, absolute } = await medians(t, ids, via, 40);
      expect(spread(relative), `${via}: ${JSON.stringify(relative)}`).toBeLessThanOrEqual(5);
      expect(Math.min(...Object.values(absolute))).toBeGreaterThanOrEqual(25);
    }
  }, 60_000);

  it('without the floor the same measurement tells the classes apart (the test can see a leak)', async () => {
    const t = await testApp({}, { signInFloorMs: 0 });
    const ids = await classes(t);
    slowCrypto(t, { argon2Ms: 3, slowLegacyMs: 40 });
    const { relative } = await medians(t, ids, 'api', 9);
    expect(spread(relative)).toBeGreaterThan(15);
  }, 30_000);

  it('an unknown identifier backs off exactly like a known one: 401 x5, then 429', async () => {
    const sequences: Record<string, number[]> = {};
    const waits: (string | null)[] = [];
    const names = Object.keys(await classes(await testApp()));
    for (const name of names) {
      // a fresh portal each: Diego's email and legacy username share one login
      const t = await testApp();
      const identifier = (await classes(t))[name as keyof Awaited<ReturnType<typeof classes>>];
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push(
          (await t.api('/sessions', { identifier, password: 'contraseña equivocada' })).status,
        );
      sequences[name] = statuses;
      // the wait the next try is told
      waits.push(
        (await t.api('/sessions', { identifier, password: 'x' })).headers.get('retry-after'),
      );
      if (name === 'unknown username')
        // any case and spacing of an unknown identifier is the same identifier
        expect(
          (await t.api('/sessions', { identifier: ' NADIE.existe ', password: 'x' })).status,
        ).toBe(429);
    }
    for (const statuses of Object.values(sequences))
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(new Set(waits).size).toBe(1);
  });
});
