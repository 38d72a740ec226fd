#!/usr/bin/env node
// bench/login/overload: 500 clients signing in at once (the migration-day announcement)
// against the built `renueva serve` on a real PostgreSQL. Prints how fast the excess is
// refused (503 + Retry-After, decided before any database work: target p99 <= 50 ms), the
// server's event-loop delay (target p99 < 20 ms) and its peak RSS against idle + 64 MiB +
// one argon2id's 19 MiB per concurrent hash.
//   node bench/login/overload.mjs [seconds] [clients] [warm-up seconds]   (10 s, 500, 0)
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  ensurePostgres,
  freshDatabase,
  median,
  PASSWORD,
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
// request (node:http on keep-alive sockets, bodies built once: undici's fetch cost about
// a core here) and report its own event-loop delay: a latency is timed from the request
// written to the last byte read, as the client sees it, so a busy client inflates it.
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const { hostname, port } = new URL(server.url);
const bodies = emails.map((identifier) =>
  Buffer.from(JSON.stringify({ identifier, password: PASSWORD })),
);
/**
 * One sign-in; resolves with the answer and when the request went out: at once on a
 * kept-alive connection, when the TCP connection is up on a new one (the first request of
 * each client). Latencies are timed from there to the answer's last byte, as a browser's
 * requestStart → responseEnd; the time from asking the agent is kept too (connection setup
 * and the generator's own queueing in it).
 */
const signIn = (body, through = agent) =>
  new Promise((resolve, reject) => {
    let sent;
    const req = request(
      {
        agent: through,
        hostname,
        port,
        method: 'POST',
        path: '/api/v1/sessions',
        headers: { 'content-type': 'application/json', 'content-length': body.byteLength },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve({ res, sent }));
        res.on('error', reject);
      },
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) sent = performance.now();
      else
        socket.once('connect', () => {
          sent = performance.now();
        });
    });
    req.on('error', reject);
    req.end(body);
  });

if (warmSeconds > 0) {
  const first = new Agent({ keepAlive: true, maxSockets: clients });
  const until = performance.now() + warmSeconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      for (let n = i; performance.now() < until; ) {
        const { res } = await signIn(bodies[n++ % bodies.length], first).catch(() => ({}));
        if (res?.statusCode !== 200) await new Promise((r) => setTimeout(r, 100));
      }
    }),
  );
  first.destroy(); // the measured wave opens its own connections
  await new Promise((r) => setTimeout(r, 3000));
  await probe(); // restarts the server's histogram and peak
}

const answers = { 200: [], 503: [], other: [] };
/** 503s timed from asking the agent (connection setup and client queueing included). */
const refusedWithSetup = [];
const otherStatuses = {};
// the refusals of requests sent after the first second: the burst of 500 new connections
// at once is in the headline figure, and this one says how much of it is that burst
const steady = [];
let retryAfterMissing = 0;
const clientDelay = monitorEventLoopDelay({ resolution: 10 });
clientDelay.enable();
const clientCpu = process.cpuUsage();
const began = performance.now();
const end = began + seconds * 1000;
// the server's figures for the first second (the burst) and the rest apart; the larger p99
// of the two is printed as the run's: the p99 of the whole run is at most that
const firstSecond = new Promise((r) => setTimeout(r, 1000)).then(probe);
await Promise.all(
  Array.from({ length: clients }, async (_, i) => {
    let n = i;
    while (performance.now() < end) {
      const started = performance.now();
      try {
        const { res, sent } = await signIn(bodies[n++ % bodies.length]);
        const now = performance.now();
        const ms = now - sent;
        if (res.statusCode === 503 && !res.headers['retry-after']) retryAfterMissing++;
        if (res.statusCode === 503) refusedWithSetup.push(now - started);
        if (!answers[res.statusCode])
          otherStatuses[res.statusCode] = (otherStatuses[res.statusCode] ?? 0) + 1;
        (answers[res.statusCode] ?? answers.other).push(ms);
        if (res.statusCode === 503 && started - began >= 1000) steady.push(ms);
        // a refused client waits as Retry-After says, a little (not the whole second)
        if (res.statusCode === 503) await new Promise((r) => setTimeout(r, 100));
      } catch (e) {
        otherStatuses[e.code ?? 'error'] = (otherStatuses[e.code ?? 'error'] ?? 0) + 1;
        answers.other.push(performance.now() - started);
      }
    }
  }),
);
clientDelay.disable();
const { user, system } = process.cpuUsage(clientCpu);
const clientCpuShare = (user + system) / 1000 / (performance.now() - began);
agent.destroy();
const burst = await firstSecond;
const rest = await probe();
// the probe restarts its peak at each report: the run's peak is the larger of the two
const loaded = rest.peakRssMiB >= burst.peakRssMiB ? rest : { ...rest, ...pick(burst) };
function pick({ peakRssMiB, atPeakMiB }) {
  return { peakRssMiB, atPeakMiB };
}
await server.stop();

const p = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const hashes = availableParallelism();
const budget = idle.rssMiB + 64 + hashes * 19;
console.log(
  `${clients} clients for ${seconds} s, ${hashes} CPUs (${hashes} hashes at once)${warmSeconds > 0 ? `, after a first wave of ${warmSeconds} s and 3 s of rest` : ''}:`,
);
console.log(
  `  signed in: ${answers[200].length} (median ${median(answers[200])?.toFixed(0)} ms); refused 503: ${answers[503].length}; other: ${answers.other.length} ${JSON.stringify(otherStatuses)}`,
);
console.log(
  `  503 latency (request sent → answer read) p50 ${p(answers[503], 0.5).toFixed(1)} ms, p99 ${p(answers[503], 0.99).toFixed(1)} ms (target <= 50); without Retry-After: ${retryAfterMissing}`,
);
console.log(
  `  503 latency from asking for a connection (TCP set-up and the generator's queueing included): p50 ${p(refusedWithSetup, 0.5).toFixed(1)} ms, p99 ${p(refusedWithSetup, 0.99).toFixed(1)} ms`,
);
console.log(
  `  503 latency of requests sent after the first second: p50 ${p(steady, 0.5).toFixed(1)} ms, p99 ${p(steady, 0.99).toFixed(1)} ms (${steady.length} refusals)`,
);
console.log(
  `  event-loop delay p99 ${Math.max(burst.p99DelayMs, rest.p99DelayMs).toFixed(1)} ms, max ${Math.max(burst.maxDelayMs, rest.maxDelayMs).toFixed(1)} ms (target p99 < 20): the larger of the first second (p99 ${burst.p99DelayMs.toFixed(1)}, max ${burst.maxDelayMs.toFixed(1)}) and the rest (p99 ${rest.p99DelayMs.toFixed(1)}, max ${rest.maxDelayMs.toFixed(1)})`,
);
console.log(
  `  load generator (not the server): event-loop delay p99 ${(clientDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(clientDelay.max / 1e6).toFixed(1)} ms; CPU ${(100 * clientCpuShare).toFixed(0)} % of one core`,
);
console.log(
  `  RSS idle ${idle.rssMiB.toFixed(0)} MiB, peak ${loaded.peakRssMiB.toFixed(0)} MiB; budget idle + 64 + ${hashes} x 19 = ${budget.toFixed(0)} MiB (${loaded.peakRssMiB <= budget ? 'within' : 'OVER'})`,
);
const at = loaded.atPeakMiB;
console.log(
  `  at the peak: V8 heap ${at.heapUsed}/${at.heapTotal} MiB used/total, external ${at.external} MiB (array buffers ${at.arrayBuffers}); idle heap ${idle.atPeakMiB.heapTotal} MiB`,
);
