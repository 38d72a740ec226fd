// Shared by the HTTP benchmarks: a throwaway PostgreSQL (scripts/with-postgres.mjs), the
// built `renueva serve` as a child process, accounts written straight into the store,
// autocannon runs (bench/pages) and a lean closed-loop client of our own (bench/login).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from '@node-rs/argon2';
import {
  ARGON2ID_PARAMS,
  migrate,
  openDatabase,
  PostgresAccountRepository,
  SecretBox,
} from '@renueva/adapters';
import autocannon from 'autocannon';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SECRET = 'bench-secret-bench-secret-bench-secret';
export const PASSWORD = 'tortuga violeta bajo el puente';

/** Re-runs this script under a throwaway PostgreSQL unless DATABASE_URL is set. */
export function ensurePostgres() {
  if (process.env.DATABASE_URL) return;
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts/with-postgres.mjs'), process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 1);
}

/** A fresh database on the server of DATABASE_URL. */
export async function freshDatabase(name) {
  const admin = await openDatabase({ databaseUrl: process.env.DATABASE_URL, maxConnections: 1 });
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * `count` renewed accounts (each its own login, email + PASSWORD), written through the
 * repository as a renewal would leave them; returns their emails.
 */
export async function seedLogins(url, count) {
  const db = await openDatabase({ databaseUrl: url });
  await migrate(db);
  const repo = new PostgresAccountRepository(db, new SecretBox(SECRET));
  const passwordHash = await hash(PASSWORD, ARGON2ID_PARAMS);
  const now = new Date();
  const throttle = {
    failedLogins: 0,
    lastFailedLoginAt: null,
    wrongCodesAt: [],
    anonymousWrongCodesAt: [],
    recentSends: [],
  };
  const emails = [];
  async function* rows() {
    for (let i = 0; i < count; i++)
      yield {
        line: i + 2,
        customerNumber: String(5_000_000 + i),
        username: `bench${i}`,
        email: `cliente${i}@bench.mx`,
        emailValid: true,
        passwordHash: 'plain:legacy password',
      };
  }
  await repo.importLegacy(rows(), { dryRun: false, now });
  for (let i = 0; i < count; i++) {
    const account = await repo.findByLegacyUsername(`bench${i}`);
    const login = {
      id: randomUUID(),
      email: `cliente${i}@bench.mx`,
      passwordHash,
      passwordChangedAt: now,
      recovery: null,
      customerNumbers: [account.customerNumber],
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...throttle,
    };
    const { legacyPasswordHash: _, ...rest } = account;
    const saved = await repo.save({
      login: { next: login, expectedVersion: null },
      account: {
        next: {
          id: account.id,
          customerNumber: account.customerNumber,
          legacyUsername: account.legacyUsername,
          registeredEmail: account.registeredEmail,
          createdAt: account.createdAt,
          status: 'migrated',
          loginId: login.id,
          migratedAt: now,
          version: account.version + 1,
          updatedAt: now,
        },
        expectedVersion: account.version,
      },
      effects: [],
    });
    if (saved.isErr()) throw new Error(`seeding ${i}: ${saved.error.code}`);
    void rest;
    emails.push(login.email);
  }
  await db.close();
  return emails;
}

export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/**
 * Starts the built `renueva serve` with `env`; resolves with its URL once it listens.
 * `probe`: load bench/lib/probe.cjs, which reports event-loop delay and peak RSS on stderr.
 * BENCH_SERVER_NODE_FLAGS adds node flags to the server only (profiling:
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`), never to the load generator.
 */
export async function startRenueva(env, { probe = false } = {}) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // biome-ignore lint/suspicious/noUndeclaredEnvVars: the benchmarks are no turbo task
      ...(process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ...(probe ? ['--require', join(root, 'bench/lib/probe.cjs')] : []),
      join(root, 'packages/cli/bin/renueva.js'),
      'serve',
    ],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        RENUEVA_SECRET: SECRET,
        DEMO_ACCOUNTS: 'false',
        LOG_LEVEL: 'warn',
        MAILER: 'console',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('is serving')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`renueva serve exited ${code}: ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
      return stderr;
    },
  };
}

/** The bytes of one HTTP/1.1 request with a body, for `connection`. */
export const rawRequest = (url, path, contentType, body, headers = {}) => {
  const { host } = new URL(url);
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
};

/**
 * A kept-alive connection; `send(bytes)` resolves with the answer's status, whether it
 * had Retry-After, and when the request went out (written on an open connection, so TCP
 * set-up is not in a latency; `asked` is when it was asked for, set-up included).
 */
export async function connection(url) {
  const { hostname, port } = new URL(url);
  const asked = performance.now();
  const socket = connect({ host: hostname, port, noDelay: true });
  await once(socket, 'connect');
  let pending = null;
  let buffered = Buffer.alloc(0);
  const fail = (error) => {
    pending?.reject(error);
    pending = null;
  };
  socket.on('error', fail);
  socket.on('close', () => fail(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
  socket.on('data', (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    const head = buffered.indexOf('\r\n\r\n');
    if (head < 0 || !pending) return;
    const headers = buffered.subarray(0, head).toString('latin1').toLowerCase();
    const chunked = headers.includes('\r\ntransfer-encoding: chunked');
    const length = Number(/\r\ncontent-length: *(\d+)/.exec(headers)?.[1] ?? 0);
    const end = chunked ? buffered.indexOf('\r\n0\r\n\r\n', head) + 7 : head + 4 + length;
    if ((chunked && end < 7) || buffered.length < end) return;
    buffered = buffered.subarray(end);
    const done = pending;
    pending = null;
    done.resolve({
      status: Number(headers.slice(9, 12)),
      retryAfter: headers.includes('\r\nretry-after:'),
      sent: done.sent,
    });
  });
  return {
    asked,
    send: (bytes) =>
      new Promise((resolve, reject) => {
        if (socket.destroyed)
          return reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' }));
        pending = { resolve, reject, sent: performance.now() };
        socket.write(bytes);
      }),
    close: () => socket.destroy(),
  };
}

/**
 * A closed loop over `connections` kept-alive connections for `seconds`: each sends the
 * next of `requests` (in turn over all of them) as soon as its answer is read. Resolves
 * with the answers' statuses, counted, and their latencies (ms, sent → read); what is
 * still in flight at the end is left to the server and not counted.
 */
export async function closedLoop({ url, connections, seconds, requests }) {
  const statuses = {};
  const latencies = [];
  let next = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = await connection(url);
      try {
        while (performance.now() < end) {
          const { status, sent } = await c.send(requests[next++ % requests.length]);
          if (performance.now() > end) break;
          statuses[status] = (statuses[status] ?? 0) + 1;
          latencies.push(performance.now() - sent);
        }
      } catch (e) {
        statuses[e.code ?? 'error'] = (statuses[e.code ?? 'error'] ?? 0) + 1;
      } finally {
        c.close();
      }
    }),
  );
  return { statuses, latencies };
}

/** One autocannon run; resolves with its result. */
export const cannon = (options) =>
  new Promise((resolve, reject) =>
    autocannon({ duration: 5, ...options }, (err, result) => (err ? reject(err) : resolve(result))),
  );

/** The q-quantile of xs (0 < q < 1); NaN when empty. */
export const percentile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : Number.NaN;
};

export const median = (xs) => percentile(xs, 0.5);

/** utime + stime of one /proc stat file, in ms (clock ticks are 10 ms on Linux); 0 if gone. */
function statMs(path) {
  try {
    // the command name, in parentheses, may hold spaces: fields count from after it
    const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * CPU time so far, in ms, of what shares the cores with the hashes: the server's main
 * thread (its event loop; the hashing threads are apart) and each PostgreSQL process.
 * Null where there is no /proc (the figures are then not printed).
 */
export function cpuSpent(serverPid) {
  if (process.platform !== 'linux') return null;
  const postgres = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres'))
        postgres.set(pid, statMs(`/proc/${pid}/stat`));
    } catch {} // gone meanwhile
  }
  return { mainThread: statMs(`/proc/${serverPid}/task/${serverPid}/stat`), postgres };
}

/** The CPU spent between two `cpuSpent`: a PostgreSQL process that left meanwhile is not counted. */
export const cpuBetween = (before, after) => ({
  mainThread: after.mainThread - before.mainThread,
  postgres: [...after.postgres].reduce(
    (sum, [pid, ms]) => sum + ms - (before.postgres.get(pid) ?? 0),
    0,
  ),
});
