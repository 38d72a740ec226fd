import type { Session, SessionStore } from '@renueva/domain';
import type { Database } from './database.js';
import { sessionRow } from './rows.js';

export class PostgresSessionStore implements SessionStore {
  constructor(private readonly db: Database) {}

  async create(s: Session): Promise<void> {
    await this.db.query(
      'INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [s.idHash, s.accountId, s.createdAt, s.lastSeenAt, s.expiresAt],
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

  async delete(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteAllForAccount(accountId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE account_id = $1', [accountId]);
  }
}
