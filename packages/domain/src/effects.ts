/** Emails the domain asks for; rendering and delivery belong to the adapters. */
export type EmailTemplate =
  | 'renewal_code'
  | 'renewal_completed'
  | 'recovery_code'
  | 'password_changed';

/** Where and when a request came from, for emails ("was this you?") and audit. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

/**
 * An email the domain asks for, as data: the template and what it needs. Written to the
 * outbox by `AccountRepository.save`; the `secret` part (a code) is encrypted at rest.
 */
export interface EmailMessage {
  template: EmailTemplate;
  to: string;
  locale: 'es-MX' | 'en';
  data: {
    /** The customer numbers the email is about: the renewed one, or all of a login's. */
    customerNumbers: string[];
    /** The login (the email), for `renewal_completed`. */
    loginEmail?: string;
    /** For `renewal_completed`: the customer number joined an existing login, whose password changed. */
    passwordChanged?: boolean;
    /** When the code stops working, for the code templates. */
    expiresAt?: Date;
    requestedAt: Date;
    requestIp: string | null;
  };
  /** Secret parts: stores encrypt them at rest and erase them after delivery. */
  secret?: { code: string };
}

/** What an audit entry records. */
export type AuditAction =
  | 'login_succeeded'
  | 'login_failed'
  | 'login_hint_email'
  | 'renewal_started'
  | 'code_sent'
  | 'code_failed'
  | 'renewal_completed'
  | 'recovery_requested'
  | 'recovery_completed'
  | 'email_set'
  | 'unlocked'
  | 'imported'
  /** Support exported the audit trail with emails in full (`renueva audit --unmasked`). */
  | 'audit_exported_unmasked'
  /** One run of wrapping the weak legacy hashes (`renueva hashes wrap`, `import --wrap`): its counts. */
  | 'legacy_hashes_wrapped';

/** One audited event, written with the save that caused it (or alone, for unknown users). */
export interface AuditEntry {
  action: AuditAction;
  /** The customer account concerned, if any. */
  accountId: string | null;
  /** The login concerned, if any (a migrated account's login too). */
  loginId: string | null;
  at: Date;
  ip: string | null;
  /** Plain, non-secret detail (never a password, code or token). */
  detail: Record<string, string | number | boolean | null>;
}

/** What a transition asks for besides the new state: an email to send or an entry to audit. */
export type Effect = { type: 'email'; email: EmailMessage } | { type: 'audit'; entry: AuditEntry };
