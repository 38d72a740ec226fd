import { MemoryAccountRepository } from './memory-account-repository.js';
import { MemoryAuditLog } from './memory-audit-log.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MemorySessionStore } from './memory-session-store.js';

export { MemoryAccountRepository, MemoryAuditLog, MemoryOutbox, MemorySessionStore };

/** The four memory stores, wired so an account save writes into this outbox and audit log. */
export function createMemoryStore() {
  const outbox = new MemoryOutbox();
  const audit = new MemoryAuditLog();
  return {
    accounts: new MemoryAccountRepository({ outbox, audit }),
    sessions: new MemorySessionStore(),
    outbox,
    audit,
  };
}
