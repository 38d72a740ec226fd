import { accountRepositoryContract, storeContracts } from '@renueva/domain/testing';
import { openDatabase } from '../src/index.js';
import { sqlFixture } from './sql-fixture.js';

const make = sqlFixture(() => openDatabase({ dataDir: null }));
accountRepositoryContract('pglite', make);
storeContracts('pglite', make);
