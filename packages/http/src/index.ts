export { type App, createApp } from './app.js';
export type {
  AppDeps,
  AppLogger,
  AppOptions,
  Mailbox,
  RateLimiter,
  RateLimiterFactory,
} from './deps.js';
export { ERROR_STATUS } from './error-status.js';
export { errorSpanish } from './messages.js';
export { type RunningServer, startServer } from './server.js';
