import { describe } from 'vitest';
import { openDatabase } from '../src/index.js';
import { accountRepositoryContract } from './account-repository.case.js';
import { freshPostgresUrl, requirePostgres, sqlFixture } from './sql-fixture.js';
import { storeContracts } from './stores.case.js';

const enabled = requirePostgres();

describe.skipIf(!enabled)('PostgreSQL server', () => {
  const make = sqlFixture(async () =>
    openDatabase({ databaseUrl: (await freshPostgresUrl()) as string }),
  );
  accountRepositoryContract('postgres', make);
  storeContracts('postgres', make);
});
