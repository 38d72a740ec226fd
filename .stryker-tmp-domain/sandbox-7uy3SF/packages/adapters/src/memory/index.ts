// The memory store lives with the domain's test kit (pure TypeScript over Maps); the
// composition root runs on it for `STORE=memory`. This subpath loads neither vitest nor
// fast-check.
export {
  createMemoryStore,
  MemoryAccountRepository,
  MemoryAuditLog,
  MemoryOutbox,
  MemorySessionStore,
  type MemoryStore,
} from '@renueva/domain/testing/memory';
