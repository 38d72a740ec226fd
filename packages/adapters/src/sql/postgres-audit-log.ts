import type { AuditAction, AuditEntry, AuditLog } from '@renueva/domain';
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
}
