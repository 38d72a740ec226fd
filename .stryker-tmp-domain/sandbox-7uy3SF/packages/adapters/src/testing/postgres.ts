import { openDatabase } from '../sql/database.js';

/**
 * Whether the PostgreSQL tests can run: true with DATABASE_URL; without it they skip
 * loudly, except under CI=true, where a missing server is a failure.
 */
export function requirePostgres(): boolean {
  if (process.env.DATABASE_URL) return true;
  if (process.env.CI === 'true')
    throw new Error('DATABASE_URL is not set: the PostgreSQL tests must run under CI');
  console.warn(
    '\n*** DATABASE_URL is not set: PostgreSQL tests SKIPPED (run `node scripts/with-postgres.mjs npm test`) ***\n',
  );
  return false;
}

/** A fresh, empty database on the server of DATABASE_URL, so test files can run in parallel. */
export async function freshPostgresUrl(): Promise<string> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const admin = await openDatabase({ databaseUrl: url, maxConnections: 1 });
  const name = `renueva_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
