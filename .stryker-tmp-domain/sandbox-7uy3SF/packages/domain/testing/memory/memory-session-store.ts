import type { Session, SessionStore } from '@renueva/domain';

/** Sessions in a Map, keyed by the token hash; values cloned in and out. */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Session>();

  async create(session: Session): Promise<void> {
    this.#sessions.set(session.idHash, structuredClone(session));
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
