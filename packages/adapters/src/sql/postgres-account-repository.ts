import type {
  Account,
  AccountRepository,
  AccountStatus,
  AuditEntry,
  Changes,
  Flow,
  ImportedLines,
  ImportOutcome,
  LegacyHash,
  LegacyImportRow,
  Login,
  SaveResult,
  UnknownIdentifier,
  WeakLegacyHash,
} from '@renueva/domain';
import { Err, Ok, WEAK_LEGACY_HASH_PATTERN } from '@renueva/domain';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, Queryable } from './database.js';
import { importedLineDigests, importLegacyRows } from './import-legacy.js';
import { appendAudit } from './postgres-audit-log.js';
import { enqueueEmails } from './postgres-outbox.js';
import {
  ACCOUNT_COLUMNS,
  accountValues,
  LOGIN_COLUMNS,
  loginValues,
  toAccount,
  toLogin,
} from './rows.js';

const updateSql = (table: string, columns: readonly string[]) =>
  `UPDATE ${table} SET ${columns
    .slice(1)
    .map((c, i) => `${c} = $${i + 2}`)
    .join(', ')} WHERE id = $1 AND version = $${columns.length + 1} RETURNING id`;

const UPDATE_ACCOUNT = updateSql('accounts', ACCOUNT_COLUMNS);
const UPDATE_LOGIN = updateSql('logins', LOGIN_COLUMNS);
// a login whose email (any case) another login took meanwhile is not inserted: a conflict
const INSERT_LOGIN = `INSERT INTO logins (${LOGIN_COLUMNS.join(', ')})
  VALUES (${LOGIN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT DO NOTHING RETURNING id`;
const SELECT_LOGIN = `SELECT l.*, ARRAY(SELECT a.customer_number FROM accounts a
  WHERE a.login_id = l.id ORDER BY a.customer_number) AS customer_numbers FROM logins l`;

// the same test as the domain's `isWeakLegacyHash`, for the rows of accounts not yet renewed
const WEAK = `status <> 'migrated' AND legacy_password_hash ~ '${WEAK_LEGACY_HASH_PATTERN}'`;

/** Thrown inside a transaction to roll it back when a version check fails. */
class Conflict extends Error {}

/**
 * Accounts and logins on PostgreSQL or PGlite; a save writes the account, the login,
 * their outbox and audit rows in one transaction.
 */
export class PostgresAccountRepository implements AccountRepository {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  async #one(where: string, value: string, name?: string): Promise<Account | null> {
    const [row] = await this.db.query(
      `SELECT * FROM accounts WHERE ${where} LIMIT 1`,
      [value],
      name,
    );
    return row ? toAccount(row) : null;
  }

  /** `name`: prepared once per connection (a lookup of every sign-in); `where` is then fixed. */
  async #login(where: string, value: string, name?: string): Promise<Login | null> {
    const [row] = await this.db.query(`${SELECT_LOGIN} WHERE ${where} LIMIT 1`, [value], name);
    return row ? toLogin(row) : null;
  }

  findById(id: string): Promise<Account | null> {
    // ids are uuids: anything else simply matches nothing
    if (!isUuid(id)) return Promise.resolve(null);
    return this.#one('id = $1', id);
  }

  findByLegacyUsername(username: string): Promise<Account | null> {
    return this.#one('lower(legacy_username) = lower($1)', username.trim(), 'account_by_username');
  }

  findByCustomerNumber(customerNumber: string): Promise<Account | null> {
    return this.#one('customer_number = $1', customerNumber.trim());
  }

  async findByRegisteredEmail(email: string): Promise<Account[]> {
    const rows = await this.db.query(
      'SELECT * FROM accounts WHERE lower(registered_email) = lower($1) ORDER BY customer_number',
      [email.trim()],
    );
    return rows.map(toAccount);
  }

  findLogin(id: string): Promise<Login | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.#login('l.id = $1', id, 'login_by_id');
  }

  findLoginByEmail(email: string): Promise<Login | null> {
    return this.#login('lower(l.email) = lower($1)', email.trim(), 'login_by_email');
  }

  async findByFlowTokenHash(flowTokenHash: string): Promise<Flow | null> {
    const account = await this.#one(
      "flow_token_hash = $1 AND status = 'pending_renewal'",
      flowTokenHash,
    );
    if (account?.status === 'pending_renewal') return { holder: 'account', account };
    const login = await this.#login('l.flow_token_hash = $1', flowTokenHash);
    return login ? { holder: 'login', login } : null;
  }

  async save(changes: Changes): Promise<SaveResult> {
    try {
      await this.db.transaction(async (tx) => {
        // the login first: a migrated account refers to it
        const { login, account } = changes;
        if (login) {
          const values = loginValues(login.next);
          const written =
            login.expectedVersion === null
              ? await tx.query(INSERT_LOGIN, values)
              : await tx.query(UPDATE_LOGIN, [...values, login.expectedVersion]);
          if (written.length === 0) throw new Conflict();
        }
        if (account) {
          const updated = await tx.query(UPDATE_ACCOUNT, [
            ...accountValues(account.next),
            account.expectedVersion,
          ]);
          if (updated.length === 0) throw new Conflict();
        }
        await writeEffects(tx, this.box, changes.effects);
      });
      return Ok(undefined);
    } catch (error) {
      if (error instanceof Conflict) return Err({ code: 'conflict' });
      throw error;
    }
  }

  async countByStatus(): Promise<Record<AccountStatus | 'logins', number>> {
    const rows = await this.db.query<{ status: AccountStatus | 'logins'; n: string | number }>(
      `SELECT status, count(*) AS n FROM accounts GROUP BY status
       UNION ALL SELECT 'logins', count(*) FROM logins`,
    );
    const counts = { legacy: 0, pending_renewal: 0, migrated: 0, logins: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  findWeakLegacyHashes(limit: number, afterId: string | null): Promise<WeakLegacyHash[]> {
    return this.#legacyHashes(WEAK, limit, afterId);
  }

  findLegacyHashes(limit: number, afterId: string | null): Promise<LegacyHash[]> {
    return this.#legacyHashes(`status <> 'migrated'`, limit, afterId);
  }

  /** A page of the legacy hashes of the accounts `where` picks, in id order after `afterId`. */
  async #legacyHashes(where: string, limit: number, afterId: string | null): Promise<LegacyHash[]> {
    const rows = await this.db.query<{ id: string; legacy_password_hash: string }>(
      `SELECT id, legacy_password_hash FROM accounts
       WHERE ${where} AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $1`,
      [limit, afterId],
    );
    return rows.map((r) => ({ accountId: r.id, hash: r.legacy_password_hash }));
  }

  async replaceLegacyHash(
    accountId: string,
    expected: string,
    next: string,
    now: Date,
  ): Promise<boolean> {
    if (!isUuid(accountId)) return false;
    const updated = await this.db.query(
      `UPDATE accounts SET legacy_password_hash = $3, version = version + 1, updated_at = $4
       WHERE id = $1 AND status <> 'migrated' AND legacy_password_hash = $2 RETURNING id`,
      [accountId, expected, next, now],
    );
    return updated.length === 1;
  }

  async countWeakLegacyHashes(): Promise<number> {
    const [row] = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM accounts WHERE ${WEAK}`,
    );
    return Number(row?.n ?? 0);
  }

  async findUnknownIdentifier(key: string): Promise<UnknownIdentifier | null> {
    const [row] = await this.db.query<{
      failed_logins: number;
      last_failed_login_at: Date | string | null;
    }>('SELECT failed_logins, last_failed_login_at FROM unknown_identifiers WHERE key = $1', [key]);
    if (!row) return null;
    const at = row.last_failed_login_at;
    return {
      key,
      failedLogins: Number(row.failed_logins),
      lastFailedLoginAt: at === null ? null : new Date(at),
    };
  }

  async recordUnknownIdentifierFailure(key: string, now: Date, e: AuditEntry): Promise<void> {
    // one statement, one round trip: the counter and the audit entry together
    await this.db.query(
      `WITH counted AS (
         INSERT INTO unknown_identifiers (key, failed_logins, last_failed_login_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET failed_logins = unknown_identifiers.failed_logins + 1,
           last_failed_login_at = $2
         RETURNING key)
       INSERT INTO audit_log (action, account_id, login_id, at, ip, detail)
       SELECT $3, $4, $5, $6, $7, $8 FROM counted`,
      [key, now, e.action, e.accountId, e.loginId, e.at, e.ip, JSON.stringify(e.detail)],
    );
  }

  importLegacy(
    rows: AsyncIterable<LegacyImportRow | readonly LegacyImportRow[]>,
    options: { dryRun: boolean; now: Date; kept?: ImportedLines },
  ): Promise<ImportOutcome> {
    return importLegacyRows(this.db, rows, options);
  }

  importedLineDigests(): Promise<Uint32Array> {
    return importedLineDigests(this.db);
  }
}

const isUuid = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

async function writeEffects(tx: Queryable, box: SecretBox, effects: Changes['effects']) {
  await enqueueEmails(
    tx,
    box,
    effects.flatMap((e) => (e.type === 'email' ? [e.email] : [])),
  );
  await appendAudit(
    tx,
    effects.flatMap((e) => (e.type === 'audit' ? [e.entry] : [])),
  );
}
