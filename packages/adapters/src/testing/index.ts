export { DeterministicSecrets } from './deterministic-secrets.js';
export {
  FakeLegacyVerifier,
  FakePasswordHasher,
  FakePasswordStrength,
  RecordingMailer,
} from './fakes.js';
export { FixedClock } from './fixed-clock.js';
export {
  createMemoryPorts,
  type LegacySeed,
  lastCodeFor,
  type MemoryPorts,
  seedLegacyAccounts,
} from './memory-ports.js';
export { freshPostgresUrl, requirePostgres } from './postgres.js';
export { type StubbedEmail, startPostmarkStub } from './postmark-stub.js';
