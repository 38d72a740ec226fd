import type { EmailMessage, Outbox, OutboxEntry, OutboxMessage } from '@renueva/domain';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, Queryable } from './database.js';
import { outboxRow, toEmail, toOutboxEntry } from './rows.js';

const CODE_TEMPLATES = "('renewal_code', 'recovery_code')";

/** Writes emails into the outbox inside the caller's transaction; secrets sealed. */
export async function enqueueEmails(
  tx: Queryable,
  box: SecretBox,
  emails: EmailMessage[],
): Promise<void> {
  for (const email of emails) {
    await tx.query(
      `INSERT INTO outbox (template, recipient, locale, data, secret, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        email.template,
        email.to,
        email.locale,
        JSON.stringify(email.data),
        email.secret ? box.seal(JSON.stringify(email.secret)) : null,
        email.data.requestedAt,
      ],
    );
  }
}

/**
 * The outbox on SQL. `claim` leases rows with `FOR UPDATE SKIP LOCKED` in one
 * statement, so concurrent dispatchers (processes or instances) never get the same
 * message; a crashed dispatcher's lease simply runs out.
 */
export class PostgresOutbox implements Outbox {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  async claim(now: Date, leaseUntil: Date, limit: number): Promise<OutboxMessage[]> {
    const rows = await this.db.query(
      `UPDATE outbox SET locked_until = $2
       WHERE id IN (
         SELECT id FROM outbox
         WHERE status = 'pending'
           AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
           AND (locked_until IS NULL OR locked_until <= $1)
         ORDER BY created_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now, leaseUntil, limit],
    );
    return rows
      .map((raw) => outboxRow.parse(raw))
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
      .map((r) => {
        const opened = r.secret ? this.box.open(r.secret) : null;
        return {
          id: r.id,
          attempts: r.attempts,
          email: toEmail(r, opened ? JSON.parse(opened) : undefined),
        };
      });
  }

  async markSent(id: string, at: Date, providerId: string | null): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET status = 'sent', secret = NULL, attempts = attempts + 1, sent_at = $2,
         provider_id = $3, locked_until = NULL, next_attempt_at = NULL WHERE id = $1`,
      [id, at, providerId],
    );
  }

  async markRetry(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, locked_until = NULL
       WHERE id = $1`,
      [id, error.slice(0, 500), nextAttemptAt],
    );
  }

  async markDead(id: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET status = 'dead', secret = NULL, attempts = attempts + 1, last_error = $2,
         locked_until = NULL, next_attempt_at = NULL WHERE id = $1`,
      [id, error.slice(0, 500)],
    );
  }

  async list(filter: { status?: OutboxEntry['status']; limit: number }): Promise<OutboxEntry[]> {
    const rows = await this.db.query(
      'SELECT * FROM outbox WHERE ($1::text IS NULL OR status = $1) ORDER BY id DESC LIMIT $2',
      [filter.status ?? null, filter.limit],
    );
    return rows.map((raw) => toOutboxEntry(outboxRow.parse(raw)));
  }

  async retry(target: { id: string } | { allDead: true }, now: Date): Promise<number> {
    const rows = await this.db.query(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, locked_until = NULL
       WHERE status = 'dead' AND ($2::bigint IS NULL OR id = $2::bigint)
         AND NOT (template IN ${CODE_TEMPLATES} AND secret IS NULL)
       RETURNING id`,
      [now, 'id' in target ? target.id : null],
    );
    return rows.length;
  }

  async countByStatus(): Promise<Record<OutboxEntry['status'], number>> {
    const rows = await this.db.query<{ status: OutboxEntry['status']; n: string | number }>(
      'SELECT status, count(*) AS n FROM outbox GROUP BY status',
    );
    const counts = { pending: 0, sent: 0, dead: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  /**
   * For the metrics: how many wait, since when the oldest, how many are dead. Read
   * through the partial indexes on pending and dead rows, never the sent ones.
   */
  async depth(): Promise<{ pending: number; dead: number; oldestPendingAt: Date | null }> {
    const [row] = await this.db.query<{
      pending: string | number;
      dead: string | number;
      oldest: Date | string | null;
    }>(
      `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
              (SELECT min(created_at) FROM outbox WHERE status = 'pending') AS oldest,
              (SELECT count(*) FROM outbox WHERE status = 'dead') AS dead`,
    );
    return {
      pending: Number(row?.pending ?? 0),
      dead: Number(row?.dead ?? 0),
      oldestPendingAt: row?.oldest ? new Date(row.oldest) : null,
    };
  }
}
