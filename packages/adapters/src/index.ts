export {
  type Brand,
  contrastWithWhite,
  DEFAULT_BRAND,
  NO_SUPPORT,
  type SupportContacts,
} from './brand.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export { createRenueva, type Renueva } from './container.js';
export * from './crypto/index.js';
export { type DemoAccount, demoAccounts, demoImportRows } from './demo-accounts.js';
export * from './mail/index.js';
export * from './memory/index.js';
export {
  type MetricSources,
  Metrics,
  portsSnapshot,
  type RequestObservation,
  type StoreSnapshot,
} from './metrics.js';
export * from './rate-limits.js';
export * from './sql/index.js';
export { SystemClock } from './system-clock.js';
