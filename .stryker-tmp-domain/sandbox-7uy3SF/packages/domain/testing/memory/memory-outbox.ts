import type { EmailMessage, Outbox, OutboxEntry, OutboxMessage } from '@renueva/domain';

interface Row {
  id: string;
  email: EmailMessage;
  status: OutboxEntry['status'];
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date | null;
  lockedUntil: Date | null;
  lastError: string | null;
  providerId: string | null;
}

const CODE_TEMPLATES = new Set<EmailMessage['template']>(['renewal_code', 'recovery_code']);

/** The outbox in memory: what `MemoryAccountRepository.save` enqueues into. */
export class MemoryOutbox implements Outbox {
  readonly #rows = new Map<string, Row>();
  #sequence = 0;

  /** Called by the repository inside its save. */
  enqueue(emails: EmailMessage[]): void {
    for (const email of emails) {
      this.#sequence++;
      const id = `msg-${String(this.#sequence).padStart(8, '0')}`;
      this.#rows.set(id, {
        id,
        email: structuredClone(email),
        status: 'pending',
        attempts: 0,
        createdAt: email.data.requestedAt,
        nextAttemptAt: null,
        lockedUntil: null,
        lastError: null,
        providerId: null,
      });
    }
  }

  /** Every message with its secrets, oldest first (tests read codes from here). */
  messages(): (OutboxEntry & { email: EmailMessage })[] {
    return [...this.#rows.values()].map((row) => ({
      ...this.#entry(row),
      email: structuredClone(row.email),
    }));
  }

  async claim(now: Date, leaseUntil: Date, limit: number): Promise<OutboxMessage[]> {
    const due = [...this.#rows.values()]
      .filter(
        (r) =>
          r.status === 'pending' &&
          (r.nextAttemptAt === null || r.nextAttemptAt <= now) &&
          (r.lockedUntil === null || r.lockedUntil <= now),
      )
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .slice(0, limit);
    for (const row of due) row.lockedUntil = leaseUntil;
    return due.map((r) => ({ id: r.id, email: structuredClone(r.email), attempts: r.attempts }));
  }

  async markSent(id: string, _at: Date, providerId: string | null): Promise<void> {
    this.#finish(id, 'sent', null);
    const row = this.#rows.get(id);
    if (row) row.providerId = providerId;
  }

  async markRetry(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    const row = this.#rows.get(id);
    if (!row) return;
    Object.assign(row, {
      attempts: row.attempts + 1,
      lastError: error,
      nextAttemptAt,
      lockedUntil: null,
    });
  }

  async markDead(id: string, error: string): Promise<void> {
    this.#finish(id, 'dead', error);
  }

  async list(filter: { status?: OutboxEntry['status']; limit: number }): Promise<OutboxEntry[]> {
    return [...this.#rows.values()]
      .filter((r) => !filter.status || r.status === filter.status)
      .reverse()
      .slice(0, filter.limit)
      .map((r) => this.#entry(r));
  }

  async retry(target: { id: string } | { allDead: true }, now: Date): Promise<number> {
    let revived = 0;
    for (const row of this.#rows.values()) {
      if ('id' in target && row.id !== target.id) continue;
      if (row.status !== 'dead') continue;
      if (CODE_TEMPLATES.has(row.email.template) && !row.email.secret) continue;
      Object.assign(row, { status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null });
      revived++;
    }
    return revived;
  }

  async countByStatus(): Promise<Record<OutboxEntry['status'], number>> {
    const counts = { pending: 0, sent: 0, dead: 0 };
    for (const row of this.#rows.values()) counts[row.status]++;
    return counts;
  }

  #finish(id: string, status: 'sent' | 'dead', error: string | null): void {
    const row = this.#rows.get(id);
    if (!row) return;
    const { secret: _erased, ...email } = row.email;
    Object.assign(row, {
      status,
      email,
      attempts: row.attempts + 1,
      lastError: error ?? row.lastError,
      nextAttemptAt: null,
      lockedUntil: null,
    });
  }

  #entry(row: Row): OutboxEntry {
    return {
      id: row.id,
      template: row.email.template,
      to: row.email.to,
      status: row.status,
      attempts: row.attempts,
      createdAt: row.createdAt,
      nextAttemptAt: row.nextAttemptAt,
      lastError: row.lastError,
      providerId: row.providerId,
    };
  }
}
