import { describe } from 'vitest';
import { freshPostgresUrl, openDatabase, requirePostgres } from '../src/index.js';
import { accountRepositoryContract } from './account-repository.case.js';
import { sqlFixture } from './sql-fixture.js';
import { storeContracts } from './stores.case.js';

const enabled = requirePostgres();

describe.skipIf(!enabled)('PostgreSQL server', () => {
  const make = sqlFixture(async () => openDatabase({ databaseUrl: await freshPostgresUrl() }));
  accountRepositoryContract('postgres', make);
  storeContracts('postgres', make);
});
