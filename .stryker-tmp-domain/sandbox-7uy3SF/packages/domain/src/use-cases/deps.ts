// @ts-nocheck
import type { Policies } from '../policies.js';
import type {
  AccountRepository,
  AuditLog,
  Clock,
  DeliveryEvents,
  LegacyPasswordVerifier,
  Mailer,
  Outbox,
  PasswordHasher,
  PasswordStrength,
  Secrets,
  SessionStore,
} from '../ports.js';

/** Every port a use case may need; each use case takes only its `Pick` of it. */
export interface Ports {
  accounts: AccountRepository;
  sessions: SessionStore;
  hasher: PasswordHasher;
  legacy: LegacyPasswordVerifier;
  strength: PasswordStrength;
  clock: Clock;
  secrets: Secrets;
  audit: AuditLog;
  deliveryEvents: DeliveryEvents;
  outbox: Outbox;
  mailer: Mailer;
  policies: Policies;
}
