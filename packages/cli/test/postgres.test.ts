import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@renueva/adapters';
import { afterAll, beforeAll, describe } from 'vitest';
import { cliContract } from './cli.case.js';

const server = process.env.DATABASE_URL;
if (!server) {
  if (process.env.CI === 'true')
    throw new Error('DATABASE_URL is not set: the PostgreSQL CLI tests must run under CI');
  console.warn(
    '\n*** DATABASE_URL is not set: PostgreSQL CLI tests SKIPPED (run `node scripts/with-postgres.mjs npm test`) ***\n',
  );
}
const dir = mkdtempSync(join(tmpdir(), 'renueva-cli-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!server)('the renueva CLI on a PostgreSQL server', () => {
  let url = '';
  beforeAll(async () => {
    const admin = await openDatabase({ databaseUrl: server as string, maxConnections: 1 });
    const name = `renueva_cli_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
    const u = new URL(server as string);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  cliContract(
    () => ({ DATABASE_URL: url }),
    () => dir,
  );
});
