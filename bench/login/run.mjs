#!/usr/bin/env node
// bench/login: sign-ins as customers feel them — the built `renueva serve` over HTTP on a
// real PostgreSQL, driven by a closed loop of kept-alive connections (bench/lib) over many
// distinct renewed accounts (email + password), the JSON API and the form — against raw
// @node-rs/argon2 verifies with the production parameters on as many threads as the
// server's hasher uses (one per CPU), in the same run. Phases alternate (raw, API, raw, form, raw, …) and each sign-in phase is
// set against the mean of the raw phases either side of it, so load drift on a shared
// machine hits both alike; rates are medians over rounds, ratios the medians of the
// per-phase ratios.
// Beside each, the CPU one sign-in costs apart from its hash (the server's main thread and
// PostgreSQL, from /proc): the cores the hashes lose, steadier than a rate on a busy host.
//
//   node bench/login/run.mjs [seconds per phase] [rounds]     (default 5 s, 3 rounds)
// Starts a throwaway PostgreSQL (scripts/with-postgres.mjs) unless DATABASE_URL is set.
// Build first (`npm run build`).
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2ID_PARAMS } from '@renueva/adapters';
import {
  closedLoop,
  cpuBetween,
  cpuSpent,
  ensurePostgres,
  freshDatabase,
  median,
  PASSWORD,
  percentile,
  rawRequest,
  seedLogins,
  startRenueva,
} from '../lib/server.mjs';

ensurePostgres();
const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 3);
const ACCOUNTS = 500;
// every answer waits for the sign-in floor (POLICY_SIGN_IN_FLOOR_MS): enough connections
// that the hashes, not the floor, are the limit
const CONNECTIONS = 64;
const SETTLE_MS = 2000;

/** Raw verifies per second with one caller per CPU (what the server's hasher runs at once). */
async function rawRate(stored) {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: availableParallelism() }, async () => {
      while (performance.now() < end) {
        await verify(stored, PASSWORD);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const url = await freshDatabase('renueva_bench_login');
process.stdout.write(`seeding ${ACCOUNTS} renewed accounts… `);
const emails = await seedLogins(url, ACCOUNTS);
console.log('done');
const server = await startRenueva({
  DATABASE_URL: url,
  POLICY_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
  POLICY_RATE_LIMIT_PER_IDENTIFIER_PER_MINUTE: '1000',
});
const stored = await hash(PASSWORD, ARGON2ID_PARAMS);
// each connection sends the next account's sign-in as soon as its answer is read
const signIns = {
  api: emails.map((identifier) =>
    rawRequest(
      server.url,
      '/api/v1/sessions',
      'application/json',
      JSON.stringify({ identifier, password: PASSWORD }),
    ),
  ),
  form: emails.map((identificador) =>
    rawRequest(
      server.url,
      '/iniciar-sesion',
      'application/x-www-form-urlencoded',
      new URLSearchParams({ identificador, contrasena: PASSWORD }).toString(),
      { Origin: server.url },
    ),
  ),
};
const expected = { api: 200, form: 303 };

try {
  const results = { raw: [], api: [], form: [] };
  const ratios = { api: [], form: [] };
  const costs = { api: [], form: [] };
  // a first phase of each kind, not measured: what follows is the server's steady rate,
  // not its code's first runs after start-up (the first API phase came out 0.1x lower)
  for (const kind of ['api', 'form'])
    await closedLoop({
      url: server.url,
      connections: CONNECTIONS,
      seconds: 2,
      requests: signIns[kind],
    });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  // every sign-in phase lies between two raw phases, and is set against their mean: a
  // drift of the shared host's speed then weighs on both sides alike
  let rawBefore = await rawRate(stored);
  results.raw.push(rawBefore);
  for (let round = 1; round <= rounds; round++) {
    const line = [`round ${round}: raw ${rawBefore.toFixed(0)}/s`];
    for (const kind of ['api', 'form']) {
      const before = cpuSpent(server.pid);
      const generator = process.cpuUsage();
      const r = await closedLoop({
        url: server.url,
        connections: CONNECTIONS,
        seconds,
        requests: signIns[kind],
      });
      const after = cpuSpent(server.pid);
      const { user, system } = process.cpuUsage(generator);
      // the loop stops sending at the end of its run, but the server still hashes and answers
      // what it had accepted (up to the hasher's capacity, ~1 s here): let it, so that
      // work lands neither on the next phase's hasher nor on the next raw round
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const ok = r.statuses[expected[kind]] ?? 0;
      const other = Object.entries(r.statuses).filter(([code]) => Number(code) !== expected[kind]);
      const rate = ok / seconds;
      const rawAfter = await rawRate(stored);
      results.raw.push(rawAfter);
      const raw = (rawBefore + rawAfter) / 2;
      rawBefore = rawAfter;
      results[kind].push(rate);
      ratios[kind].push(rate / raw);
      // what each sign-in costs beside its hash, on the cores the hashes need
      const spent = after && cpuBetween(before, after);
      const per = (key) => spent[key] / ok;
      const generatorMs = (user + system) / 1000 / ok;
      if (spent)
        costs[kind].push({ mainThread: per('mainThread'), postgres: per('postgres'), generatorMs });
      line.push(
        `${kind} ${rate.toFixed(0)}/s (${(rate / raw).toFixed(2)}x, raw after ${rawAfter.toFixed(0)}/s, p99 ${percentile(r.latencies, 0.99).toFixed(0)} ms${spent ? `, CPU per sign-in: server main thread ${per('mainThread').toFixed(2)} ms, PostgreSQL ${per('postgres').toFixed(2)} ms` : ''}, load generator ${generatorMs.toFixed(2)} ms${other.length ? `, other: ${JSON.stringify(Object.fromEntries(other))}` : ''})`,
      );
    }
    console.log(line.join(', '));
  }
  console.log(
    `\nmedian over ${rounds} rounds of ${seconds} s, ${ACCOUNTS} accounts, ${CONNECTIONS} connections, ${availableParallelism()} CPUs:`,
  );
  console.log(`  raw argon2id verify   ${median(results.raw).toFixed(0)}/s`);
  console.log(
    `  POST /api/v1/sessions ${median(results.api).toFixed(0)}/s  ratio ${median(ratios.api).toFixed(2)} (target >= 0.9)`,
  );
  console.log(
    `  POST /iniciar-sesion  ${median(results.form).toFixed(0)}/s  ratio ${median(ratios.form).toFixed(2)} (target >= 0.9)`,
  );
  for (const kind of ['api', 'form']) {
    if (!costs[kind].length) continue;
    const of = (key) => median(costs[kind].map((c) => c[key])).toFixed(2);
    console.log(
      `  ${kind}: CPU per sign-in beside its hash: server main thread ${of('mainThread')} ms, PostgreSQL ${of('postgres')} ms, load generator ${of('generatorMs')} ms`,
    );
  }
} finally {
  await server.stop();
}
