import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import lockfile from 'proper-lockfile';
import { MIGRATIONS } from './migrations.js';

/** What the repositories need from a connection: the same `$1` SQL on both drivers. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** `COPY <table> FROM STDIN (FORMAT csv)` fed from chunks of whole CSV lines, streamed. */
  copyCsv(table: string, chunks: AsyncIterable<string>): Promise<void>;
}

export interface Database extends Queryable {
  readonly driver: 'postgres' | 'pglite';
  /** The server's connection pool, for libraries that take one (shared rate limits); null on PGlite. */
  readonly pool: pg.Pool | null;
  /** Runs `fn` in a transaction; commits unless it throws, or rolls back when `rollback` is set. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { rollback?: boolean }): Promise<T>;
  close(): Promise<void>;
}

/** A PGlite data directory already in use by another process. */
export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

/** Chunks (of whole lines) per PGlite COPY: bounded memory, few round trips. */
const PGLITE_COPY_BATCH = 16;

class PostgresDatabase implements Database {
  readonly driver = 'postgres';
  constructor(readonly pool: pg.Pool) {}

  async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.pool.query(sql, params)).rows as R[];
  }

  copyCsv(table: string, lines: AsyncIterable<string>): Promise<void> {
    return this.transaction((tx) => tx.copyCsv(table, lines));
  }

  async transaction<T>(
    fn: (tx: Queryable) => Promise<T>,
    options: { rollback?: boolean } = {},
  ): Promise<T> {
    const client = await this.pool.connect();
    const tx: Queryable = {
      query: async <R>(sql: string, params: unknown[] = []) =>
        (await client.query(sql, params)).rows as R[],
      copyCsv: async (table, lines) => {
        const stream = client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT csv)`));
        await pipeline(Readable.from(lines), stream);
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

  close(): Promise<void> {
    return this.pool.end();
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

/**
 * Opens PostgreSQL (`databaseUrl`) or an embedded, file-backed PGlite (`dataDir`; or
 * in memory with `dataDir: null`, for tests). PGlite allows one process per data
 * directory, so a lock is taken and a second process gets `DatabaseLockedError`.
 */
export async function openDatabase(
  target: { databaseUrl: string; maxConnections?: number } | { dataDir: string | null },
): Promise<Database> {
  if ('databaseUrl' in target) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: target.maxConnections ?? 10,
      // a server that does not answer fails the request (a 503) instead of holding it
      connectionTimeoutMillis: 3000,
    });
    pool.on('error', () => undefined); // idle-client errors surface on the next query instead
    return new PostgresDatabase(pool);
  }
  if (target.dataDir === null)
    return new PGliteDatabase(await PGlite.create(), async () => undefined);

  mkdirSync(target.dataDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target.dataDir, {
      stale: 15_000,
      update: 5_000,
      realpath: false,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED')
      throw new DatabaseLockedError(
        `The data directory ${target.dataDir} is in use by another Renueva process (the embedded database allows one process at a time). Stop it, or use DATABASE_URL with a PostgreSQL server.`,
      );
    throw error;
  }
  try {
    return new PGliteDatabase(await PGlite.create(`${target.dataDir}/pgdata`), release);
  } catch (error) {
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
