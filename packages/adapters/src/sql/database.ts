import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import lockfile from 'proper-lockfile';
import { MIGRATIONS } from './migrations.js';

/** What the repositories need from a connection: the same `$1` SQL on both drivers. */
export interface Queryable {
  /**
   * `name`: a statement run on every sign-in, prepared once per connection and then only
   * executed (PostgreSQL: no parse and plan each time; ignored elsewhere). One name, one
   * `sql`, always.
   */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<R[]>;
  /** `COPY <table> FROM STDIN (FORMAT csv)` fed from chunks of whole CSV lines, streamed. */
  copyCsv(table: string, chunks: AsyncIterable<string>): Promise<void>;
}

export interface Database extends Queryable {
  /** `pglite-socket`: the embedded database of a `serve` process, reached over its unix socket. */
  readonly driver: 'postgres' | 'pglite' | 'pglite-socket';
  /** The server's connection pool, for libraries that take one (shared rate limits); null on PGlite. */
  readonly pool: pg.Pool | null;
  /** Runs `fn` in a transaction; commits unless it throws, or rolls back when `rollback` is set. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { rollback?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/** The PostgreSQL server of DATABASE_URL does not answer (or refuses us); names host and port. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** A PGlite data directory already in use by another process. */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

/** Chunks (of whole lines) per PGlite COPY: bounded memory, few round trips. */
const PGLITE_COPY_BATCH = 16;

/** The port in the socket's name: `pg` looks for `<dir>/.s.PGSQL.<port>` when the host is a directory. */
const SOCKET_PORT = 5432;

/** Where `serve` offers its embedded database to the CLI: a unix socket in `DATA_DIR`. */
export const pgliteSocketPath = (dataDir: string) =>
  join(resolve(dataDir), `.s.PGSQL.${SOCKET_PORT}`);

/**
 * Splits CSV text (RFC 4180, as `COPY … (FORMAT csv)` reads it) into records; an
 * unquoted empty field is NULL, a quoted one is the empty string.
 */
export function parseCsvRecords(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let fields: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      value = '';
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('CSV: a quoted field is not closed');
        value += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        value += '"';
        i++;
      }
    } else {
      let end = i;
      while (end < text.length && !',\r\n'.includes(text[end] as string)) end++;
      value = end === i ? null : text.slice(i, end);
      i = end;
    }
    fields.push(value);
    if (text[i] === ',') {
      i++;
      if (i === text.length) fields.push(null);
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    records.push(fields);
    fields = [];
  }
  if (fields.length > 0) records.push(fields);
  return records;
}

/**
 * COPY without COPY: PGlite cannot take the COPY FROM STDIN sub-protocol over its socket,
 * so each chunk of CSV lines becomes one INSERT of a JSON array of records (the column
 * types' input functions read the strings, as COPY would).
 */
async function insertCsv(
  client: pg.PoolClient,
  table: string,
  chunks: AsyncIterable<string>,
): Promise<void> {
  const columns = (
    await client.query<{ attname: string }>(
      'SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum',
      [table],
    )
  ).rows.map((r) => r.attname);
  for await (const chunk of chunks) {
    const records = parseCsvRecords(chunk).map((fields) =>
      Object.fromEntries(columns.map((column, i) => [column, fields[i] ?? null])),
    );
    if (records.length > 0)
      await client.query(
        `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
        [JSON.stringify(records)],
      );
  }
}

class PostgresDatabase implements Database {
  constructor(
    private readonly clients: pg.Pool,
    readonly driver: 'postgres' | 'pglite-socket' = 'postgres',
    private readonly afterClose: () => Promise<void> = async () => undefined,
  ) {}

  /** Shared rate limits live in a PostgreSQL server only; PGlite's stay in the process. */
  get pool(): pg.Pool | null {
    return this.driver === 'postgres' ? this.clients : null;
  }

  async query<R>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
    // PGlite behind its socket: plain statements, as it has always been asked
    const prepared = name !== undefined && this.driver === 'postgres';
    const result = prepared
      ? await this.clients.query({ name, text: sql, values: params })
      : await this.clients.query(sql, params);
    return result.rows as R[];
  }

  copyCsv(table: string, lines: AsyncIterable<string>): Promise<void> {
    return this.transaction((tx) => tx.copyCsv(table, lines));
  }

  async transaction<T>(
    fn: (tx: Queryable) => Promise<T>,
    options: { rollback?: boolean } = {},
  ): Promise<T> {
    const client = await this.clients.connect();
    const tx: Queryable = {
      query: async <R>(sql: string, params: unknown[] = []) =>
        (await client.query(sql, params)).rows as R[],
      copyCsv: async (table, lines) => {
        if (this.driver === 'pglite-socket') return insertCsv(client, table, lines);
        const stream = client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT csv)`));
        // few chunks in flight: what waits for the server stays small (and young)
        await pipeline(Readable.from(lines, { highWaterMark: 2 }), stream);
      },
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.clients.end();
    await this.afterClose();
  }
}

type PGliteTx = Parameters<Parameters<PGlite['transaction']>[0]>[0];

async function pgliteCopy(
  db: PGlite | PGliteTx,
  table: string,
  lines: AsyncIterable<string>,
): Promise<void> {
  // PGlite has no COPY FROM STDIN: feed it bounded batches through its /dev/blob device.
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const blob = new Blob(batch);
    batch = [];
    await db.query(`COPY ${table} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob });
  };
  for await (const line of lines) {
    batch.push(line);
    if (batch.length >= PGLITE_COPY_BATCH) await flush();
  }
  await flush();
}

class PGliteDatabase implements Database {
  readonly driver = 'pglite';
  readonly pool = null;
  constructor(
    private readonly db: PGlite,
    private readonly release: () => Promise<void>,
  ) {}

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, params)).rows;
  }

  copyCsv(table: string, lines: AsyncIterable<string>): Promise<void> {
    return pgliteCopy(this.db, table, lines);
  }

  async transaction<T>(
    fn: (tx: Queryable) => Promise<T>,
    options: { rollback?: boolean } = {},
  ): Promise<T> {
    return this.db.transaction(async (t) => {
      const result = await fn({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await t.query<R>(sql, params)).rows,
        copyCsv: (table, lines) => pgliteCopy(t, table, lines),
      });
      if (options.rollback) await t.rollback();
      return result;
    });
  }

  async close(): Promise<void> {
    await this.db.close();
    await this.release();
  }
}

/** A pool of `pg` clients on the unix socket of a `serve` process (PGlite accepts any user). */
const socketPool = (dataDir: string, max: number) =>
  new pg.Pool({
    host: resolve(dataDir),
    port: SOCKET_PORT,
    user: 'postgres',
    database: 'postgres',
    max,
    connectionTimeoutMillis: 10_000,
  }).on('error', () => undefined);

/**
 * The embedded database of the `serve` process that holds `dataDir`, through its socket;
 * null when it offers none (another command holds the directory) or does not answer.
 */
async function connectToServe(dataDir: string): Promise<Database | null> {
  if (!existsSync(pgliteSocketPath(dataDir))) return null;
  const pool = socketPool(dataDir, 1);
  try {
    await pool.query('SELECT 1');
    return new PostgresDatabase(pool, 'pglite-socket');
  } catch {
    await pool.end().catch(() => undefined);
    return null;
  }
}

/**
 * Opens PostgreSQL (`databaseUrl`) or an embedded, file-backed PGlite (`dataDir`; or
 * in memory with `dataDir: null`, for tests). PGlite allows one process per data
 * directory, so a lock is taken. With `share` (what `serve` asks for) the holder also
 * offers the database on a unix socket in the directory (ADR 0013), and then reaches it
 * through that socket itself, so its own transactions and the CLI's never interleave.
 * A process that finds the directory held uses the holder's socket; when there is none,
 * it gets `DatabaseLockedError`.
 */
export async function openDatabase(
  target:
    | { databaseUrl: string; maxConnections?: number }
    | { dataDir: string | null; share?: boolean },
): Promise<Database> {
  if ('databaseUrl' in target) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: target.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
    });
    pool.on('error', () => undefined); // idle-client errors surface on the next query instead
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      const url = new URL(target.databaseUrl);
      const e = error as { code?: string; message?: string };
      const why =
        e.code === 'ECONNREFUSED'
          ? 'connection refused'
          : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
            ? 'no such host'
            : /timeout/i.test(e.message ?? '')
              ? 'no answer within 10 s'
              : (e.message ?? e.code ?? 'unknown error');
      throw new DatabaseUnavailableError(
        `cannot reach the PostgreSQL server of DATABASE_URL at ${url.hostname || 'localhost'}:${url.port || 5432} (${why})`,
      );
    }
    return new PostgresDatabase(pool);
  }
  if (target.dataDir === null)
    return new PGliteDatabase(await PGlite.create(), async () => undefined);

  const dataDir = target.dataDir;
  mkdirSync(dataDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      stale: 15_000,
      update: 5_000,
      realpath: false,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      const shared = await connectToServe(dataDir);
      if (shared) return shared;
      throw new DatabaseLockedError(
        `The data directory ${dataDir} is in use by another Renueva command (the embedded database allows one process at a time; only \`renueva serve\` shares it). Wait for it to finish, or use DATABASE_URL with a PostgreSQL server.`,
      );
    }
    throw error;
  }
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(`${dataDir}/pgdata`);
    if (!target.share) return new PGliteDatabase(db, release);
    // loaded only here: every other command starts without it
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const path = pgliteSocketPath(dataDir);
    rmSync(path, { force: true }); // left by a process that died: we hold the lock now
    const server = new PGLiteSocketServer({ db, path, maxConnections: 64 });
    await server.start();
    chmodSync(path, 0o600); // like the secret beside it: the owner's processes only
    const pglite = db;
    return new PostgresDatabase(socketPool(dataDir, 10), 'pglite-socket', async () => {
      await server.stop();
      await pglite.close();
      await release();
    });
  } catch (error) {
    await db?.close().catch(() => undefined);
    await release();
    throw error;
  }
}

/**
 * Applies the pending migrations in order, in one transaction, recorded. Idempotent.
 * `migrations` is for tests that build a store as an older release left it.
 */
export async function migrate(
  db: Database,
  migrations: readonly { name: string; statements: string[] }[] = MIGRATIONS,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    // serialises concurrent migrators on a shared server (a no-op cost on PGlite)
    await tx.query('SELECT pg_advisory_xact_lock(42424242)');
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
      applied.push(migration.name);
    }
    return applied;
  });
}
