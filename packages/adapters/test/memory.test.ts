import {
  MemoryAccountRepository,
  MemoryAuditLog,
  MemoryOutbox,
  MemorySessionStore,
} from '../src/index.js';
import { accountRepositoryContract } from './account-repository.case.js';
import { storeContracts } from './stores.case.js';

const make = async () => {
  const outbox = new MemoryOutbox();
  const audit = new MemoryAuditLog();
  return {
    accounts: new MemoryAccountRepository({ outbox, audit }),
    sessions: new MemorySessionStore(),
    outbox,
    audit,
  };
};

accountRepositoryContract('memory', make);
storeContracts('memory', make);
