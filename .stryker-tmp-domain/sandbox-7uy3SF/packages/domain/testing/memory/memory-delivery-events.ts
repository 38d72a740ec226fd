import type { DeliveryEvent, DeliveryEvents, UndeliverableEmail } from '@renueva/domain';

interface Row extends DeliveryEvent {
  clearedAt: Date | null;
}

/** Bounces and complaints in memory, keyed by the event's id. */
export class MemoryDeliveryEvents implements DeliveryEvents {
  readonly #rows = new Map<string, Row>();

  async record(event: DeliveryEvent): Promise<boolean> {
    if (this.#rows.has(event.id)) return false;
    this.#rows.set(event.id, { ...structuredClone(event), clearedAt: null });
    return true;
  }

  async undeliverable(email: string): Promise<UndeliverableEmail | null> {
    let newest: Row | null = null;
    for (const r of this.#blocking(email)) if (!newest || r.at > newest.at) newest = r;
    if (!newest || newest.kind === 'soft_bounce') return null;
    return { email: newest.email, kind: newest.kind, detail: newest.detail, at: newest.at };
  }

  async clear(email: string, at: Date): Promise<void> {
    for (const r of this.#blocking(email)) r.clearedAt = at;
  }

  async counts(): Promise<Record<DeliveryEvent['kind'] | 'undeliverable', number>> {
    const counts = { hard_bounce: 0, soft_bounce: 0, spam_complaint: 0, undeliverable: 0 };
    const blocked = new Set<string>();
    for (const r of this.#rows.values()) {
      counts[r.kind]++;
      if (r.kind !== 'soft_bounce' && !r.clearedAt) blocked.add(r.email.toLowerCase());
    }
    counts.undeliverable = blocked.size;
    return counts;
  }

  /** The hard bounces and complaints of an address (any case) not cleared yet. */
  #blocking(email: string): Row[] {
    const key = email.toLowerCase();
    return [...this.#rows.values()].filter(
      (r) => r.kind !== 'soft_bounce' && !r.clearedAt && r.email.toLowerCase() === key,
    );
  }
}
