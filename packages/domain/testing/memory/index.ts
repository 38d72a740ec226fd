/**
 * `@renueva/domain/testing/memory`: the stores of the ports in Maps, pure TypeScript
 * with no dependency (not even vitest or fast-check), so an application can also run
 * on them (`STORE=memory` in development). Also exported by `@renueva/domain/testing`.
 */
import { MemoryAccountRepository } from './memory-account-repository.js';
import { MemoryAuditLog } from './memory-audit-log.js';
import { MemoryDeliveryEvents } from './memory-delivery-events.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MemorySessionStore } from './memory-session-store.js';

export {
  MemoryAccountRepository,
  MemoryAuditLog,
  MemoryDeliveryEvents,
  MemoryOutbox,
  MemorySessionStore,
};

/** The memory stores of one `createMemoryStore` call. */
export interface MemoryStore {
  accounts: MemoryAccountRepository;
  sessions: MemorySessionStore;
  outbox: MemoryOutbox;
  audit: MemoryAuditLog;
  deliveryEvents: MemoryDeliveryEvents;
}

/**
 * Empty memory stores, wired so that an account save writes its effects into this
 * outbox and audit log (as one SQL transaction would). Every call makes a new, separate set.
 */
export function createMemoryStore(): MemoryStore {
  const outbox = new MemoryOutbox();
  const audit = new MemoryAuditLog();
  return {
    accounts: new MemoryAccountRepository({ outbox, audit }),
    sessions: new MemorySessionStore(audit),
    outbox,
    audit,
    deliveryEvents: new MemoryDeliveryEvents(),
  };
}
