export { MemoryAccountRepository } from './memory-account-repository.js';
export { MemoryAuditLog } from './memory-audit-log.js';
export { MemoryOutbox } from './memory-outbox.js';
export { MemorySessionStore } from './memory-session-store.js';
