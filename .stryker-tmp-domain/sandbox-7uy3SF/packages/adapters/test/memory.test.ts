import {
  accountRepositoryContract,
  createMemoryStore,
  storeContracts,
} from '@renueva/domain/testing';

const make = async () => createMemoryStore();

accountRepositoryContract('memory', make);
storeContracts('memory', make);
