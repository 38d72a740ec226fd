import type { Session, SessionStore } from '@renueva/domain';
import type { Database } from './database.js';
import { sessionRow } from './rows.js';

export class PostgresSessionStore implements SessionStore {
  constructor(private readonly db: Database) {}

  async create(s: Session): Promise<void> {
    await this.db.query(
      `INSERT INTO sessions (id_hash, login_id, customer_number, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.idHash, s.loginId, s.customerNumber, s.createdAt, s.lastSeenAt, s.expiresAt],
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
