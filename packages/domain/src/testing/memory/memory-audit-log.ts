import type { AuditAction, AuditEntry, AuditLog } from '../../index.js';

/** The audit log in memory: what `MemoryAccountRepository.save` appends to. */
export class MemoryAuditLog implements AuditLog {
  readonly #entries: AuditEntry[] = [];

  async append(entries: AuditEntry[]): Promise<void> {
    this.#entries.push(...structuredClone(entries));
  }

  /** Every entry, oldest first. */
  entries(): AuditEntry[] {
    return structuredClone(this.#entries);
  }

  async countByAction(since: Date | null): Promise<Partial<Record<AuditAction, number>>> {
    const counts: Partial<Record<AuditAction, number>> = {};
    for (const e of this.#entries) {
      if (since && e.at < since) continue;
      counts[e.action] = (counts[e.action] ?? 0) + 1;
    }
    return counts;
  }
}
