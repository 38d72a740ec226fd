import { openDatabase } from '../src/index.js';
import { accountRepositoryContract } from './account-repository.case.js';
import { sqlFixture } from './sql-fixture.js';
import { storeContracts } from './stores.case.js';

const make = sqlFixture(() => openDatabase({ dataDir: null }));
accountRepositoryContract('pglite', make);
storeContracts('pglite', make);
