import type { AuditEntry, Session, SessionStore } from '@renueva/domain';
import type { Database } from './database.js';
import { sessionRow } from './rows.js';

export class PostgresSessionStore implements SessionStore {
  constructor(private readonly db: Database) {}

  async create(s: Session, audit: AuditEntry[] = []): Promise<void> {
    const values = [s.idHash, s.loginId, s.customerNumber, s.createdAt, s.lastSeenAt, s.expiresAt];
    const insert = `INSERT INTO sessions (id_hash, login_id, customer_number, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`;
    if (audit.length === 0) {
      await this.db.query(insert, values, 'session_create');
      return;
    }
    // one statement, one round trip: the session and its audit entries
    const rows = audit.map((_, i) => {
      const n = 7 + i * 6;
      return `($${n}, $${n + 1}::uuid, $${n + 2}::uuid, $${n + 3}::timestamptz, $${n + 4}, $${n + 5}::jsonb)`;
    });
    await this.db.query(
      `WITH created AS (${insert} RETURNING 1)
       INSERT INTO audit_log (action, account_id, login_id, at, ip, detail)
       SELECT v.* FROM (VALUES ${rows.join(', ')}) AS v, created`,
      [
        ...values,
        ...audit.flatMap((e) => [
          e.action,
          e.accountId,
          e.loginId,
          e.at,
          e.ip,
          JSON.stringify(e.detail),
        ]),
      ],
      // the SQL depends only on how many entries (one, on a sign-in)
      `session_create_audit_${audit.length}`,
    );
  }

  async get(idHash: string): Promise<Session | null> {
    const [row] = await this.db.query('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
    return row ? sessionRow.parse(row) : null;
  }

  async touch(idHash: string, lastSeenAt: Date): Promise<void> {
    await this.db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [
      idHash,
      lastSeenAt,
    ]);
  }

  async selectCustomerNumber(idHash: string, customerNumber: string): Promise<void> {
    await this.db.query('UPDATE sessions SET customer_number = $2 WHERE id_hash = $1', [
      idHash,
      customerNumber,
    ]);
  }

  async delete(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteAllForLogin(loginId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE login_id = $1', [loginId]);
  }
}
