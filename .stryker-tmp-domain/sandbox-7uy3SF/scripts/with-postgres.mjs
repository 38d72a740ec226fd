#!/usr/bin/env node
// Runs a command with DATABASE_URL pointing at a PostgreSQL server. When DATABASE_URL
// is already set it is used as is; otherwise a throwaway server is started (initdb +
// pg_ctl, 127.0.0.1, a free port, trust auth, fsync off) and removed afterwards.
// Without server binaries the command runs without DATABASE_URL (the PostgreSQL tests
// then skip, loudly) except under CI=true, where that is an error.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: with-postgres.mjs <command> [args...]');
  process.exit(2);
}

function findBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const found = versions
    .map((v) => join(root, v, 'bin'))
    .find((d) => existsSync(join(d, 'pg_ctl')));
  return found ?? null;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  if (process.env.DATABASE_URL) return run(command[0], command.slice(1), process.env);
  const bin = findBin();
  if (!bin) {
    const message = 'PostgreSQL server binaries not found: the PostgreSQL tests will be SKIPPED.';
    if (process.env.CI === 'true') {
      console.error(`with-postgres: ${message} Under CI=true that is an error.`);
      return 1;
    }
    console.warn(`\n*** with-postgres: ${message} ***\n`);
    return run(command[0], command.slice(1), process.env);
  }

  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'renueva-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const pg = (tool, args) => {
    const full = join(bin, tool);
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', full, ...args]]
      : [full, args];
    execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  const port = await freePort();
  let started = false;
  try {
    pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start']);
    started = true;
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    console.log(`with-postgres: throwaway PostgreSQL at ${url}`);
    return await run(command[0], command.slice(1), { ...process.env, DATABASE_URL: url });
  } finally {
    if (started) {
      try {
        pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // the server may already be gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`with-postgres: ${error.message}`);
    process.exit(1);
  },
);
