#!/usr/bin/env node
// bench/login/overload: 500 clients signing in at once (the migration-day announcement)
// against the built `renueva serve` on a real PostgreSQL. Prints how fast the excess is
// refused (503 + Retry-After, decided before any database work: target p99 <= 50 ms), the
// server's event-loop delay (target p99 < 20 ms) and its peak RSS against idle + 64 MiB +
// one argon2id's 19 MiB per concurrent hash.
//   node bench/login/overload.mjs [seconds] [clients] [warm-up seconds]   (10 s, 500, 0)
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  connection,
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
const seconds = Number(process.argv[2] ?? 10);
const clients = Number(process.argv[3] ?? 500);
// a first wave of this many seconds, not measured, then 3 s of rest: the measured wave then
// meets a server whose code is warm (a portal that has been up), not one just started
const warmSeconds = Number(process.argv[4] ?? 0);

const url = await freshDatabase('renueva_bench_overload');
const emails = await seedLogins(url, 500);
const server = await startRenueva(
  {
    DATABASE_URL: url,
    POLICY_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    POLICY_RATE_LIMIT_PER_IDENTIFIER_PER_MINUTE: '1000',
  },
  { probe: true },
);
const probe = async () => {
  const before = server.stderr().length;
  process.kill(server.pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const line = server
      .stderr()
      .slice(before)
      .match(/PROBE (.*)\n/);
    if (line) return JSON.parse(line[1]);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no probe report');
};
await new Promise((r) => setTimeout(r, 1000));
const idle = await probe();

// The load generator shares the 2 cores with the server, so it must cost little per
// request and report its own event-loop delay: a latency is timed from the request
// written to the last byte read, as the client sees it, so a busy client inflates it.
// Each client is one kept-alive connection of bench/lib (prebuilt request bytes, just
// enough of the answer read): node:http's client cost about half a core here at 3,700
// requests a second, undici's fetch a core; this one a fifth.
const requests = emails.map((identifier) =>
  rawRequest(
    server.url,
    '/api/v1/sessions',
    'application/json',
    JSON.stringify({ identifier, password: PASSWORD }),
  ),
);

if (warmSeconds > 0) {
  const until = performance.now() + warmSeconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const c = await connection(server.url);
      for (let n = i; performance.now() < until; ) {
        const answer = await c.send(requests[n++ % requests.length]).catch(() => null);
        if (answer?.status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      c.close(); // the measured wave opens its own connections
    }),
  );
  await new Promise((r) => setTimeout(r, 3000));
}

const answers = { 200: [], 503: [], other: [] };
/** 503s timed from asking for a connection (TCP set-up and client queueing included). */
const refusedWithSetup = [];
const otherStatuses = {};
// the refusals of requests sent after the first second: the burst of 500 new connections
// at once is in the headline figure, and this one says how much of it is that burst
const steady = [];
let retryAfterMissing = 0;
const clientDelay = monitorEventLoopDelay({ resolution: 10 });
clientDelay.enable();
const clientCpu = process.cpuUsage();
process.kill(server.pid, 'SIGWINCH'); // the server's measured run starts
const began = performance.now();
const end = began + seconds * 1000;
// the server's figures for the whole run, and for the first second (the burst) and the
// rest apart
const firstSecond = new Promise((r) => setTimeout(r, 1000)).then(probe);
await Promise.all(
  Array.from({ length: clients }, async (_, i) => {
    let n = i;
    let c = null;
    while (performance.now() < end) {
      const started = performance.now();
      try {
        const fresh = !c;
        c ??= await connection(server.url);
        const { status, retryAfter, sent } = await c.send(requests[n++ % requests.length]);
        const now = performance.now();
        const ms = now - sent;
        if (status === 503 && !retryAfter) retryAfterMissing++;
        if (status === 503) refusedWithSetup.push(now - (fresh ? c.asked : started));
        if (!answers[status]) otherStatuses[status] = (otherStatuses[status] ?? 0) + 1;
        (answers[status] ?? answers.other).push(ms);
        if (status === 503 && started - began >= 1000) steady.push(ms);
        // a refused client waits as Retry-After says, a little (not the whole second)
        if (status === 503) await new Promise((r) => setTimeout(r, 100));
      } catch (e) {
        otherStatuses[e.code ?? 'error'] = (otherStatuses[e.code ?? 'error'] ?? 0) + 1;
        answers.other.push(performance.now() - started);
        c?.close();
        c = null;
      }
    }
    c?.close();
  }),
);
clientDelay.disable();
const { user, system } = process.cpuUsage(clientCpu);
const clientCpuShare = (user + system) / 1000 / (performance.now() - began);
const burst = await firstSecond;
const rest = await probe();
const loaded = rest.run;
await server.stop();

const hashes = availableParallelism();
const budget = idle.rssMiB + 64 + hashes * 19;
console.log(
  `${clients} clients for ${seconds} s, ${hashes} CPUs (${hashes} hashes at once)${warmSeconds > 0 ? `, after a first wave of ${warmSeconds} s and 3 s of rest` : ''}:`,
);
console.log(
  `  signed in: ${answers[200].length} (median ${median(answers[200])?.toFixed(0)} ms); refused 503: ${answers[503].length}; other: ${answers.other.length} ${JSON.stringify(otherStatuses)}`,
);
console.log(
  `  503 latency (request sent → answer read) p50 ${percentile(answers[503], 0.5).toFixed(1)} ms, p99 ${percentile(answers[503], 0.99).toFixed(1)} ms (target <= 50); without Retry-After: ${retryAfterMissing}`,
);
console.log(
  `  503 latency from asking for a connection (TCP set-up and the generator's queueing included): p50 ${percentile(refusedWithSetup, 0.5).toFixed(1)} ms, p99 ${percentile(refusedWithSetup, 0.99).toFixed(1)} ms`,
);
console.log(
  `  503 latency of requests sent after the first second: p50 ${percentile(steady, 0.5).toFixed(1)} ms, p99 ${percentile(steady, 0.99).toFixed(1)} ms (${steady.length} refusals)`,
);
console.log(
  `  event-loop delay p99 ${loaded.p99DelayMs.toFixed(1)} ms, max ${loaded.maxDelayMs.toFixed(1)} ms (target p99 < 20; ${loaded.samples} samples); first second p99 ${burst.p99DelayMs.toFixed(1)}, max ${burst.maxDelayMs.toFixed(1)} (${burst.samples}); the rest p99 ${rest.p99DelayMs.toFixed(1)}, max ${rest.maxDelayMs.toFixed(1)} (${rest.samples})`,
);
console.log(
  `  load generator (not the server): event-loop delay p99 ${(clientDelay.percentile(99) / 1e6 - 10).toFixed(1)} ms, max ${(clientDelay.max / 1e6 - 10).toFixed(1)} ms; CPU ${(100 * clientCpuShare).toFixed(0)} % of one core`,
);
console.log(
  `  RSS idle ${idle.rssMiB.toFixed(0)} MiB, peak ${loaded.peakRssMiB.toFixed(0)} MiB; budget idle + 64 + ${hashes} x 19 = ${budget.toFixed(0)} MiB (${loaded.peakRssMiB <= budget ? 'within' : 'OVER'})`,
);
const at = loaded.atPeakMiB;
console.log(
  `  at the peak: V8 heap ${at.heapUsed}/${at.heapTotal} MiB used/total, external ${at.external} MiB (array buffers ${at.arrayBuffers}); idle heap ${idle.atPeakMiB.heapTotal} MiB`,
);
