#!/usr/bin/env node
// bench/import: the CLI's import (COPY into staging + set-based upsert) against the
// same file loaded with psql \copy into a bare table, both on one PostgreSQL server in
// the same run. Prints times, rows/s, the ratio and the CLI's peak memory.
//   node bench/import/run.mjs [rows]     (default 1,000,000; starts a throwaway server
//                                          with scripts/with-postgres.mjs when DATABASE_URL is unset)
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rows = Number(process.argv[2] ?? 1_000_000);

if (!process.env.DATABASE_URL) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts/with-postgres.mjs'), process.execPath, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}

const server = process.env.DATABASE_URL;
const psql = (url, ...args) =>
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', ...args], { encoding: 'utf8' });
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

const dir = mkdtempSync(join(tmpdir(), 'renueva-bench-'));
const file = join(dir, 'accounts.csv');
try {
  const out = createWriteStream(file);
  out.write('customer_number,username,email,password_hash\n');
  const hash = `sha256:${'ab'.repeat(32)}`;
  for (let i = 0; i < rows; i++) {
    const n = 10_000_000 + i;
    if (!out.write(`${n},user${n},user${n}@example.com.mx,${hash}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const mib = (statSync(file).size / 1048576).toFixed(1);
  console.log(`generated ${rows.toLocaleString('en')} rows (${mib} MiB)`);

  // baseline: psql \copy into a bare table, no checks at all
  const bare = database('renueva_bench_bare');
  psql(
    bare,
    '-c',
    'CREATE TABLE bare (customer_number text, username text, email text, password_hash text)',
  );
  let t = process.hrtime.bigint();
  psql(bare, '-c', `\\copy bare FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  const copySeconds = Number(process.hrtime.bigint() - t) / 1e9;

  // the CLI: validation, COPY into staging, duplicate detection, upsert, counts
  const target = database('renueva_bench_cli');
  t = process.hrtime.bigint();
  const cli = spawnSync(
    process.execPath,
    [join(root, 'packages/cli/bin/renueva.js'), 'import', file, '--json'],
    {
      env: { ...process.env, DATABASE_URL: target, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const cliSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (cli.status !== 0) throw new Error(`the import failed: ${cli.stderr}`);
  const summary = JSON.parse(cli.stdout);
  if (summary.inserted !== rows)
    throw new Error(`expected ${rows} inserted, got ${summary.inserted}`);

  const rate = (s) => Math.round(rows / s).toLocaleString('en');
  console.log(`psql \\copy (baseline): ${copySeconds.toFixed(2)} s  ${rate(copySeconds)} rows/s`);
  console.log(
    `renueva import:         ${cliSeconds.toFixed(2)} s  ${rate(cliSeconds)} rows/s  (peak RSS ${Math.round(summary.maxRssBytes / 1048576)} MiB)`,
  );
  console.log(`ratio (import / \\copy): ${(cliSeconds / copySeconds).toFixed(2)}x`);
  psql(server, '-c', 'DROP DATABASE renueva_bench_bare', '-c', 'DROP DATABASE renueva_bench_cli');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
