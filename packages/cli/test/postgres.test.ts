import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresUrl, requirePostgres } from '@renueva/adapters/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { cliContract } from './cli.case.js';

const enabled = requirePostgres();
const dir = mkdtempSync(join(tmpdir(), 'renueva-cli-pg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!enabled)('the renueva CLI on a PostgreSQL server', () => {
  let url = '';
  beforeAll(async () => {
    url = await freshPostgresUrl();
  });
  cliContract(
    () => ({ DATABASE_URL: url }),
    () => dir,
    async () => ({ DATABASE_URL: await freshPostgresUrl() }),
  );
});
