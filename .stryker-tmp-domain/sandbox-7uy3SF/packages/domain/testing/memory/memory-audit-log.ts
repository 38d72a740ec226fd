import type {
  AuditAction,
  AuditEntry,
  AuditFilter,
  AuditLog,
  StoredAuditEntry,
} from '@renueva/domain';

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

  async list(
    filter: AuditFilter,
    page: { after: string | null; limit: number },
  ): Promise<StoredAuditEntry[]> {
    const everyone = !filter.accountIds && !filter.loginIds;
    const about = (e: AuditEntry) =>
      everyone ||
      (e.accountId !== null && (filter.accountIds ?? []).includes(e.accountId)) ||
      (e.accountId === null && e.loginId !== null && (filter.loginIds ?? []).includes(e.loginId));
    // the id is the position, 1-based, like a sequence
    const start = page.after === null ? 0 : Number(page.after);
    const found: StoredAuditEntry[] = [];
    for (let i = start; i < this.#entries.length && found.length < page.limit; i++) {
      const e = this.#entries[i] as AuditEntry;
      if ((filter.since && e.at < filter.since) || !about(e)) continue;
      found.push({ id: String(i + 1), ...structuredClone(e) });
    }
    return found;
  }
}
