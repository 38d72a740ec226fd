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

export interface EmailMessage {
  template: EmailTemplate;
  to: string;
  locale: 'es-MX' | 'en';
  data: {
    customerNumber: string;
    /** The new login (the email), for `renewal_completed`. */
    loginEmail?: string;
    /** When the code stops working, for the code templates. */
    expiresAt?: Date;
    requestedAt: Date;
    requestIp: string | null;
  };
  /** Secret parts: stores encrypt them at rest and erase them after delivery. */
  secret?: { code: string };
}

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
  | 'imported';

export interface AuditEntry {
  action: AuditAction;
  accountId: string | null;
  at: Date;
  ip: string | null;
  /** Plain, non-secret detail (never a password, code or token). */
  detail: Record<string, string | number | boolean | null>;
}

export type Effect = { type: 'email'; email: EmailMessage } | { type: 'audit'; entry: AuditEntry };
