#!/usr/bin/env node
// bench/import: `renueva import` (the built CLI, as an operator runs it) against `psql \copy`
// of the same file, on one PostgreSQL server in the same run; then the same CLI on the
// embedded PGlite store against an idle `renueva serve`. Prints times, rows/s, ratios,
// peak memory, and whether each target of issue 9 is met.
//   node bench/import/run.mjs [rows,...] [--no-pglite]
//     default rows 100000,1000000; a throwaway server comes from scripts/with-postgres.mjs
//     when DATABASE_URL is unset.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const sizes = (args.find((a) => !a.startsWith('--')) ?? '100000,1000000').split(',').map(Number);
const withPglite = !args.includes('--no-pglite');

if (!process.env.DATABASE_URL) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts/with-postgres.mjs'), process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

const CLI = join(root, 'packages/cli/bin/renueva.js');
const server = process.env.DATABASE_URL;
const psql = (url, ...a) =>
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', ...a], { encoding: 'utf8' });
const database = (name) => {
  psql(
    server,
    '-c',
    'SET client_min_messages = warning',
    '-c',
    `DROP DATABASE IF EXISTS ${name}`,
    '-c',
    `CREATE DATABASE ${name}`,
  );
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
};
const seconds = (t) => Number(process.hrtime.bigint() - t) / 1e9;
const mib = (bytes) => Math.round(bytes / 1048576);
const rate = (rows, s) => `${Math.round(rows / s).toLocaleString('en')} rows/s`;

/** The CLI's import, timed from outside; its JSON summary carries its own peak RSS. */
function cliImport(file, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'import', file, '--json'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const s = seconds(t);
  if (r.status !== 0) throw new Error(`the import failed (${r.status}): ${r.stderr}${r.stdout}`);
  return { seconds: s, summary: JSON.parse(r.stdout) };
}

async function generate(file, rows) {
  const out = createWriteStream(file);
  out.write('customer_number,username,email,password_hash\n');
  const hash = `sha256:${'ab'.repeat(32)}`;
  for (let i = 0; i < rows; i++) {
    const n = 10_000_000 + i;
    if (!out.write(`${n},user${n},user${n}@example.com.mx,${hash}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Peak RSS of an idle `renueva serve` on a fresh PGlite directory (started, seeded, idle 2 s). */
async function idleServeRss(dataDir) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const deadline = Date.now() + 120_000;
  while (!out.includes('serving') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2000));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGTERM');
  await once(child, 'exit');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

const dir = mkdtempSync(join(tmpdir(), 'renueva-bench-'));
const results = [];
try {
  for (const rows of sizes) {
    const file = join(dir, `accounts-${rows}.csv`);
    await generate(file, rows);
    console.log(
      `\n${rows.toLocaleString('en')} rows (${(statSync(file).size / 1048576).toFixed(1)} MiB)`,
    );

    // baseline: psql \copy into the file's columns plus the accounts table's unique indexes:
    // the uuid primary key (gen_random_uuid()), customer_number, lower(username)
    const bare = database('renueva_bench_bare');
    psql(
      bare,
      '-c',
      `CREATE TABLE bare (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_number text NOT NULL, username text NOT NULL, email text, password_hash text NOT NULL)`,
      '-c',
      'CREATE UNIQUE INDEX ON bare (customer_number)',
      '-c',
      'CREATE UNIQUE INDEX ON bare (lower(username))',
    );
    const t = process.hrtime.bigint();
    psql(
      bare,
      '-c',
      `\\copy bare (customer_number, username, email, password_hash) FROM '${file}' WITH (FORMAT csv, HEADER true)`,
    );
    const copy = seconds(t);
    console.log(`  psql \\copy (baseline)       ${copy.toFixed(2)} s  ${rate(rows, copy)}`);

    const target = database('renueva_bench_cli');
    const first = cliImport(file, { DATABASE_URL: target });
    if (first.summary.inserted !== rows)
      throw new Error(`expected ${rows} inserted, got ${first.summary.inserted}`);
    console.log(
      `  renueva import (PostgreSQL) ${first.seconds.toFixed(2)} s  ${rate(rows, first.seconds)}  peak RSS ${mib(first.summary.maxRssBytes)} MiB`,
    );
    const again = cliImport(file, { DATABASE_URL: target });
    if (again.summary.unchanged !== rows)
      throw new Error(`expected ${rows} unchanged, got ${again.summary.unchanged}`);
    console.log(
      `  re-run, file unchanged      ${again.seconds.toFixed(2)} s  ${rate(rows, again.seconds)}  peak RSS ${mib(again.summary.maxRssBytes)} MiB`,
    );
    psql(server, '-c', 'DROP DATABASE renueva_bench_bare', '-c', 'DROP DATABASE renueva_bench_cli');
    const result = { rows, copy, first, again };

    if (withPglite) {
      const dataDir = join(dir, `pglite-${rows}`);
      const lite = cliImport(file, { DATABASE_URL: '', DATA_DIR: dataDir });
      console.log(
        `  renueva import (PGlite)     ${lite.seconds.toFixed(2)} s  ${rate(rows, lite.seconds)}  peak RSS ${mib(lite.summary.maxRssBytes)} MiB`,
      );
      rmSync(dataDir, { recursive: true, force: true });
      result.lite = lite;
    }
    results.push(result);
    rmSync(file);
  }

  const serve = withPglite ? await idleServeRss(join(dir, 'serve')) : 0;
  const largest = results.at(-1);
  const smallest = results[0];
  const ratio = largest.copy / largest.first.seconds;
  const rerun = largest.first.seconds / largest.again.seconds;
  const check = (ok) => (ok ? 'met' : 'NOT met');
  console.log(`\nat ${largest.rows.toLocaleString('en')} rows:`);
  console.log(
    `  import / \\copy rows/s:        ${ratio.toFixed(2)}x   (target >= 0.5x: ${check(ratio >= 0.5)})`,
  );
  console.log(
    `  first import / re-run time:   ${rerun.toFixed(2)}x   (target >= 2x: ${check(rerun >= 2)})`,
  );
  const peaks = results.map((r) => mib(r.first.summary.maxRssBytes));
  console.log(
    `  PostgreSQL peak RSS:          ${peaks.join(' / ')} MiB at ${results.map((r) => r.rows.toLocaleString('en')).join(' / ')} rows  (target < 200 MiB and flat: ${check(Math.max(...peaks) < 200 && peaks.at(-1) - peaks[0] < 20)})`,
  );
  if (withPglite) {
    const lites = results.map((r) => mib(r.lite.summary.maxRssBytes));
    console.log(
      `  PGlite peak RSS:              ${lites.join(' / ')} MiB; idle serve ${mib(serve)} MiB  (target <= idle serve + 100 MiB and flat: ${check(lites.at(-1) <= mib(serve) + 100 && lites.at(-1) - lites[0] < 20)})`,
    );
  }
  if (smallest !== largest) console.log('  (flat: the largest run within 20 MiB of the smallest)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
