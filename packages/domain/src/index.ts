/**
 * @renueva/domain: the legacy-username -> email-login migration, as pure code behind
 * ports. Other billing services import this and plug in their own adapters.
 */
export {
  type Account,
  type AccountStatus,
  isLogin,
  isWeakLegacyHash,
  type LegacyAccount,
  type Login,
  type MigratedAccount,
  type PasswordHolder,
  type PendingRenewal,
  type Transition,
  type Versioned,
  WEAK_LEGACY_HASH_PATTERN,
  WEAK_LEGACY_SCHEMES,
} from './account.js';
export {
  type Challenge,
  type ChallengeHolder,
  nextSendAllowedAt,
  openChallenge,
} from './challenge.js';
export type {
  AuditAction,
  AuditEntry,
  Effect,
  EmailMessage,
  EmailTemplate,
  RequestContext,
} from './effects.js';
export type { DomainError, ErrorCode, PasswordProblem } from './errors.js';
export {
  type EmailClass,
  ImportedLines,
  type LineDigest,
} from './imported-lines.js';
export { checkNewPassword, normalizePassword, type PasswordContext } from './password-policy.js';
export {
  defaultPolicies,
  type Policies,
  type PolicyOverrides,
  policiesSchema,
  resolvePolicies,
} from './policies.js';
export type * from './ports.js';
export { Err, Ok, type Result } from './result.js';
export {
  type CodeFlow,
  loginBlockedUntil,
  type Throttle,
  wrongCodeBlockUntil,
} from './throttle.js';
export {
  type CodeInput,
  type Completed,
  completeRecovery,
  completeRenewal,
  type RecoveryRequested,
  type ResendOutcome,
  requestRecovery,
  resendRenewalCode,
} from './use-cases/codes.js';
export { type DeliveryReport, deliverPendingEmails } from './use-cases/deliver-pending-emails.js';
export {
  type DeliveryEventOutcome,
  recordDeliveryEvent,
} from './use-cases/delivery-events.js';
export type { Ports } from './use-cases/deps.js';
export {
  type AuditRow,
  type AuditSubject,
  exportAudit,
} from './use-cases/export-audit.js';
export {
  importLegacyAccounts,
  type RawImportRow,
  validateImportRow,
} from './use-cases/import-legacy-accounts.js';
export { createUseCases, type UseCases } from './use-cases/index.js';
export { type LogInInput, type LogInOutcome, logIn } from './use-cases/log-in.js';
export {
  logOut,
  selectCustomerNumber,
  type ValidSession,
  validateSession,
} from './use-cases/sessions.js';
export {
  type ActivityCounts,
  findAccount,
  type Lookup,
  listOutbox,
  type MigrationStats,
  migrationStats,
  retryOutbox,
  setRegisteredEmail,
  unlockSignIn,
} from './use-cases/support.js';
export {
  type WrapOutcome,
  wrapWeakLegacyHashes,
} from './use-cases/wrap-weak-legacy-hashes.js';
export {
  type Email,
  type Identifier,
  maskEmail,
  parseCustomerNumber,
  parseEmail,
  parseIdentifier,
  parseLegacyUsername,
  usernameKey,
} from './values.js';
