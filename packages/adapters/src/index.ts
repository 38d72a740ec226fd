// Transitional, with the PostgreSQL helpers below: the adapters' tests of migration 003,
// SQL concurrency and the login invariants still import these four from this entry. Once
// they take them from `@renueva/domain/testing` and `./testing/index.js`, both lines go
// and the production entry exports no test helper (nor loads vitest and fast-check, as
// this line does).
export { createMemoryPorts, seedLegacyAccounts } from '@renueva/domain/testing';
export { type Config, ConfigError, loadConfig } from './config.js';
export { createRenueva, type Renueva } from './container.js';
export * from './crypto/index.js';
export { type DemoAccount, demoAccounts, demoImportRows } from './demo-accounts.js';
export * from './mail/index.js';
export * from './memory/index.js';
export * from './rate-limits.js';
export * from './sql/index.js';
export { SystemClock } from './system-clock.js';
// Transitional: see createMemoryPorts above. The test kit is `@renueva/adapters/testing`.
export { freshPostgresUrl, requirePostgres } from './testing/index.js';
