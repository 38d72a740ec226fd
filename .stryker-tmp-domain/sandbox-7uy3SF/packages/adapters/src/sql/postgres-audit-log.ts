import type {
  AuditAction,
  AuditEntry,
  AuditFilter,
  AuditLog,
  StoredAuditEntry,
} from '@renueva/domain';
import { z } from 'zod';
import type { Database, Queryable } from './database.js';

/** Writes audit rows inside the caller's transaction. */
export async function appendAudit(tx: Queryable, entries: AuditEntry[]): Promise<void> {
  for (const e of entries) {
    await tx.query(
      'INSERT INTO audit_log (action, account_id, login_id, at, ip, detail) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.action, e.accountId, e.loginId, e.at, e.ip, JSON.stringify(e.detail)],
    );
  }
}

const auditRow = z.object({
  id: z.union([z.string(), z.number(), z.bigint()]).transform(String),
  action: z.string().transform((a) => a as AuditAction),
  account_id: z.string().nullable(),
  login_id: z.string().nullable(),
  at: z.coerce.date(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

export class PostgresAuditLog implements AuditLog {
  constructor(private readonly db: Database) {}

  append(entries: AuditEntry[]): Promise<void> {
    return appendAudit(this.db, entries);
  }

  async countByAction(since: Date | null): Promise<Partial<Record<AuditAction, number>>> {
    const rows = await this.db.query<{ action: AuditAction; n: string | number }>(
      'SELECT action, count(*) AS n FROM audit_log WHERE $1::timestamptz IS NULL OR at >= $1 GROUP BY action',
      [since],
    );
    return Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
  }

  async list(
    filter: AuditFilter,
    page: { after: string | null; limit: number },
  ): Promise<StoredAuditEntry[]> {
    const everyone = !filter.accountIds && !filter.loginIds;
    const rows = await this.db.query(
      `SELECT id, action, account_id, login_id, at, ip, detail FROM audit_log
       WHERE id > $1 AND ($2::timestamptz IS NULL OR at >= $2)
         AND ($3 OR account_id = ANY($4::uuid[]) OR (account_id IS NULL AND login_id = ANY($5::uuid[])))
       ORDER BY id LIMIT $6`,
      [
        page.after ?? '0',
        filter.since,
        everyone,
        filter.accountIds ?? [],
        filter.loginIds ?? [],
        page.limit,
      ],
    );
    return rows.map((r) => {
      const row = auditRow.parse(r);
      return {
        id: row.id,
        action: row.action,
        accountId: row.account_id,
        loginId: row.login_id,
        at: row.at,
        ip: row.ip,
        detail: row.detail,
      };
    });
  }
}
