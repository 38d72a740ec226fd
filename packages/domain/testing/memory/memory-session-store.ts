import type { AuditEntry, Session, SessionStore } from '@renueva/domain';
import type { MemoryAuditLog } from './memory-audit-log.js';

/** Sessions in a Map, keyed by the token hash; values cloned in and out. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Session>();

  /** `audit`: where `create` writes the entries that come with a session. */
  constructor(private readonly audit: MemoryAuditLog | null = null) {}

  async create(session: Session, audit: AuditEntry[] = []): Promise<void> {
    this.#sessions.set(session.idHash, structuredClone(session));
    if (audit.length > 0) {
      if (!this.audit) throw new Error('MemorySessionStore: no audit log to write to');
      await this.audit.append(audit);
    }
  }

  async get(idHash: string): Promise<Session | null> {
    const session = this.#sessions.get(idHash);
    return session ? structuredClone(session) : null;
  }

  async touch(idHash: string, lastSeenAt: Date): Promise<void> {
    const session = this.#sessions.get(idHash);
    if (session) session.lastSeenAt = new Date(lastSeenAt);
  }

  async selectCustomerNumber(idHash: string, customerNumber: string): Promise<void> {
    const session = this.#sessions.get(idHash);
    if (session) session.customerNumber = customerNumber;
  }

  async delete(idHash: string): Promise<void> {
    this.#sessions.delete(idHash);
  }

  async deleteAllForLogin(loginId: string): Promise<void> {
    for (const [key, session] of this.#sessions)
      if (session.loginId === loginId) this.#sessions.delete(key);
  }
}
