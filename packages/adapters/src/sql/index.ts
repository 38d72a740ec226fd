export {
  type Database,
  DatabaseLockedError,
  DatabaseUnavailableError,
  migrate,
  openDatabase,
  type Queryable,
} from './database.js';
export { PostgresAccountRepository } from './postgres-account-repository.js';
export { PostgresAuditLog } from './postgres-audit-log.js';
export { PostgresDeliveryEvents } from './postgres-delivery-events.js';
export { PostgresOutbox } from './postgres-outbox.js';
export { PostgresSessionStore } from './postgres-session-store.js';
