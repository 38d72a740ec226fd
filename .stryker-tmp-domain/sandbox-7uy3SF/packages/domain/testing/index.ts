/**
 * `@renueva/domain/testing`: what a service built on `@renueva/domain` needs to test
 * itself — in-memory ports, a fixed clock, deterministic secrets, fast fakes, fast-check
 * arbitraries of the domain values, and the port contract suites to run against its own
 * adapters. Runs on Node (it uses `node:crypto`); the contract suites need vitest and the
 * arbitraries fast-check (optional peer dependencies).
 */
export {
  ARBITRARY_NOW,
  arbAccount,
  arbChallenge,
  arbCustomerNumber,
  arbEmail,
  arbLegacyAccount,
  arbLegacyUsername,
  arbLogin,
  arbMigratedAccount,
  arbPendingRenewal,
  arbPolicies,
  arbRegisteredEmail,
  arbRequestContext,
  arbThrottle,
  arbTime,
} from './arbitraries.js';
export { accountRepositoryContract } from './contracts/account-repository.js';
export type { MakeFixture, StoreFixture } from './contracts/fixture.js';
export {
  auditLogContract,
  deliveryEventsContract,
  outboxContract,
  sessionStoreContract,
  storeContracts,
} from './contracts/stores.js';
export { DeterministicSecrets } from './deterministic-secrets.js';
export {
  FakeLegacyVerifier,
  FakePasswordHasher,
  FakePasswordStrength,
  RecordingMailer,
} from './fakes.js';
export { FixedClock } from './fixed-clock.js';
export {
  createMemoryStore,
  MemoryAccountRepository,
  MemoryAuditLog,
  MemoryDeliveryEvents,
  MemoryOutbox,
  MemorySessionStore,
  type MemoryStore,
} from './memory/index.js';
export {
  createMemoryPorts,
  type LegacySeed,
  lastCodeFor,
  type MemoryPorts,
  seedLegacyAccounts,
} from './memory-ports.js';
export { numRuns } from './runs.js';
