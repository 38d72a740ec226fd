import { accountRepositoryContract, storeContracts } from '@renueva/domain/testing';
import { describe } from 'vitest';
import { openDatabase } from '../src/index.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';
import { sqlFixture } from './sql-fixture.js';

const enabled = requirePostgres();

describe.skipIf(!enabled)('PostgreSQL server', () => {
  const make = sqlFixture(async () => openDatabase({ databaseUrl: await freshPostgresUrl() }));
  accountRepositoryContract('postgres', make);
  storeContracts('postgres', make);
});
