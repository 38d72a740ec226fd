import { createMemoryStore } from '../src/index.js';
import { accountRepositoryContract } from './account-repository.case.js';
import { storeContracts } from './stores.case.js';

const make = async () => createMemoryStore();

accountRepositoryContract('memory', make);
storeContracts('memory', make);
