#!/usr/bin/env node
// bench/login/overload: 500 clients signing in at once (the migration-day announcement)
// against the built `renueva serve` on a real PostgreSQL. Prints how fast the excess is
// refused (503 + Retry-After, decided before any database work: target p99 <= 50 ms), the
// server's event-loop delay (target p99 < 20 ms) and its peak RSS against idle + 64 MiB +
// one argon2id's 19 MiB per concurrent hash.
//   node bench/login/overload.mjs [seconds] [clients]     (default 10 s, 500 clients)
import { availableParallelism } from 'node:os';
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

const answers = { 200: [], 503: [], other: [] };
let retryAfterMissing = 0;
const end = performance.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: clients }, async (_, i) => {
    let n = i;
    while (performance.now() < end) {
      const started = performance.now();
      try {
        const res = await fetch(`${server.url}/api/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identifier: emails[n++ % emails.length], password: PASSWORD }),
        });
        await res.arrayBuffer();
        const ms = performance.now() - started;
        if (res.status === 503 && !res.headers.get('retry-after')) retryAfterMissing++;
        (answers[res.status] ?? answers.other).push(ms);
        // a refused client waits as Retry-After says, a little (not the whole second)
        if (res.status === 503) await new Promise((r) => setTimeout(r, 100));
      } catch {
        answers.other.push(performance.now() - started);
      }
    }
  }),
);
const loaded = await probe();
await server.stop();

const p = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const hashes = availableParallelism();
const budget = idle.rssMiB + 64 + hashes * 19;
console.log(`${clients} clients for ${seconds} s, ${hashes} CPUs (${hashes} hashes at once):`);
console.log(
  `  signed in: ${answers[200].length} (median ${median(answers[200])?.toFixed(0)} ms); refused 503: ${answers[503].length}; other: ${answers.other.length}`,
);
console.log(
  `  503 latency p50 ${p(answers[503], 0.5).toFixed(1)} ms, p99 ${p(answers[503], 0.99).toFixed(1)} ms (target <= 50); without Retry-After: ${retryAfterMissing}`,
);
console.log(
  `  event-loop delay p99 ${loaded.p99DelayMs.toFixed(1)} ms, max ${loaded.maxDelayMs.toFixed(1)} ms (target p99 < 20)`,
);
console.log(
  `  RSS idle ${idle.rssMiB.toFixed(0)} MiB, peak ${loaded.peakRssMiB.toFixed(0)} MiB; budget idle + 64 + ${hashes} x 19 = ${budget.toFixed(0)} MiB (${loaded.peakRssMiB <= budget ? 'within' : 'OVER'})`,
);
const at = loaded.atPeakMiB;
console.log(
  `  at the peak: V8 heap ${at.heapUsed}/${at.heapTotal} MiB used/total, external ${at.external} MiB (array buffers ${at.arrayBuffers}); idle heap ${idle.atPeakMiB.heapTotal} MiB`,
);
