export { type App, createApp } from './app.js';
export {
  type AppDeps,
  type AppLogger,
  type AppMetrics,
  type AppOptions,
  type Brand,
  DEFAULT_BRAND,
  type Mailbox,
  type PasswordWork,
  type RateLimiter,
  type RateLimiterFactory,
  type SupportContacts,
} from './deps.js';
export { ERROR_STATUS } from './error-status.js';
export { errorSpanish } from './messages.js';
export { createMetricsApp, UNMATCHED_ROUTE } from './metrics.js';
export { type RunningServer, startServer } from './server.js';
export {
  type PostmarkWebhookCredentials,
  postmarkEvent,
  WEBHOOK_TOKEN_HEADER,
} from './webhooks/postmark.js';
