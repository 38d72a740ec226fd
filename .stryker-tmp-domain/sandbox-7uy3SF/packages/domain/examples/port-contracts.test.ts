import {
  accountRepositoryContract,
  createMemoryStore,
  storeContracts,
} from '@renueva/domain/testing';

// A fresh, empty set of your stores for each test: here the memory ones.
const makeFixture = async () => createMemoryStore();

accountRepositoryContract('memory', makeFixture);
storeContracts('memory', makeFixture);
