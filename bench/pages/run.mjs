#!/usr/bin/env node
// bench/pages: requests/s of `GET /iniciar-sesion` and `GET /healthz` on the built
// `renueva serve` (memory store: neither touches it) against a bare Hono hello-world on
// @hono/node-server, in the same run, alternating rounds, same autocannon settings.
//   node bench/pages/run.mjs [seconds per round] [rounds]    (default 5 s, 3 rounds)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cannon, freePort, median, root, startRenueva } from '../lib/server.mjs';

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 3);
const CONNECTIONS = 50;

// the baseline in a process of its own, as the portal is (autocannon runs in this one)
const port = await freePort();
const child = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { serve } from '@hono/node-server'; import { Hono } from 'hono';
     const app = new Hono(); app.get('/', (c) => c.text('Hello Hono!'));
     serve({ fetch: app.fetch, port: ${port}, hostname: '127.0.0.1' }, () => console.log('up'));`,
  ],
  { cwd: `${root}/packages/http`, stdio: ['ignore', 'pipe', 'inherit'] },
);
await once(child.stdout, 'data');
const bare = { url: `http://127.0.0.1:${port}/`, close: () => child.kill('SIGTERM') };
const renueva = await startRenueva({ STORE: 'memory', NODE_ENV: 'development' });
const rate = async (url) => {
  const r = await cannon({ url, connections: CONNECTIONS, duration: seconds });
  if (r.non2xx > 0) throw new Error(`${url}: ${r.non2xx} answers were not 2xx`);
  return r.requests.average;
};
try {
  const ratios = { page: [], health: [] };
  const rates = { bare: [], page: [], health: [] };
  for (let round = 1; round <= rounds; round++) {
    const b = await rate(bare.url);
    const page = await rate(`${renueva.url}/iniciar-sesion`);
    const health = await rate(`${renueva.url}/healthz`);
    rates.bare.push(b);
    rates.page.push(page);
    rates.health.push(health);
    ratios.page.push(page / b);
    ratios.health.push(health / b);
    console.log(
      `round ${round}: hello-world ${b.toFixed(0)}/s, sign-in page ${page.toFixed(0)}/s (${(page / b).toFixed(2)}x), /healthz ${health.toFixed(0)}/s (${(health / b).toFixed(2)}x)`,
    );
  }
  console.log(`\nmedian over ${rounds} rounds of ${seconds} s, ${CONNECTIONS} connections:`);
  console.log(`  bare Hono hello-world  ${median(rates.bare).toFixed(0)}/s`);
  console.log(
    `  GET /iniciar-sesion    ${median(rates.page).toFixed(0)}/s  ratio ${median(ratios.page).toFixed(2)} (target >= 0.5)`,
  );
  console.log(
    `  GET /healthz           ${median(rates.health).toFixed(0)}/s  ratio ${median(ratios.health).toFixed(2)} (target >= 0.8)`,
  );
} finally {
  await renueva.stop();
  bare.close();
}
