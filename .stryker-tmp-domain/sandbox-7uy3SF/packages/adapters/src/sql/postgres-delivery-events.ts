import type { DeliveryEvent, DeliveryEvents, UndeliverableEmail } from '@renueva/domain';
import { z } from 'zod';
import type { Database } from './database.js';

const undeliverableRow = z.object({
  email: z.string(),
  kind: z.enum(['hard_bounce', 'spam_complaint']),
  detail: z.string(),
  at: z.coerce.date(),
});

/** Bounces and complaints on SQL: one row per event id, cleared by support per address. */
export class PostgresDeliveryEvents implements DeliveryEvents {
  constructor(private readonly db: Database) {}

  async record(event: DeliveryEvent, recordedAt: Date): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO delivery_events (id, kind, email, provider_message_id, detail, at, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        event.id,
        event.kind,
        event.email,
        event.providerMessageId,
        event.detail.slice(0, 200),
        event.at,
        recordedAt,
      ],
    );
    return rows.length > 0;
  }

  async undeliverable(email: string): Promise<UndeliverableEmail | null> {
    const [row] = await this.db.query(
      `SELECT email, kind, detail, at FROM delivery_events
       WHERE lower(email) = lower($1) AND kind <> 'soft_bounce' AND cleared_at IS NULL
       ORDER BY at DESC LIMIT 1`,
      [email],
    );
    return row ? undeliverableRow.parse(row) : null;
  }

  async clear(email: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE delivery_events SET cleared_at = $2
       WHERE lower(email) = lower($1) AND kind <> 'soft_bounce' AND cleared_at IS NULL`,
      [email, at],
    );
  }

  async counts(): Promise<Record<DeliveryEvent['kind'] | 'undeliverable', number>> {
    const rows = await this.db.query<{ kind: DeliveryEvent['kind']; n: string | number }>(
      'SELECT kind, count(*) AS n FROM delivery_events GROUP BY kind',
    );
    const [blocked] = await this.db.query<{ n: string | number }>(
      `SELECT count(DISTINCT lower(email)) AS n FROM delivery_events
       WHERE kind <> 'soft_bounce' AND cleared_at IS NULL`,
    );
    const counts = { hard_bounce: 0, soft_bounce: 0, spam_complaint: 0, undeliverable: 0 };
    for (const r of rows) counts[r.kind] = Number(r.n);
    counts.undeliverable = Number(blocked?.n ?? 0);
    return counts;
  }
}
