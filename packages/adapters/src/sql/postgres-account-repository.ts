import type {
  Account,
  AccountRepository,
  AccountStatus,
  Effect,
  ImportOutcome,
  LegacyImportRow,
  MigratedAccount,
  SaveResult,
} from '@renueva/domain';
import { Err, Ok } from '@renueva/domain';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from './database.js';
import { importLegacyRows } from './import-legacy.js';
import { appendAudit } from './postgres-audit-log.js';
import { enqueueEmails } from './postgres-outbox.js';
import { ACCOUNT_COLUMNS, accountValues, toAccount } from './rows.js';

const UPDATE_ACCOUNT = `UPDATE accounts SET ${ACCOUNT_COLUMNS.slice(1)
  .map((c, i) => `${c} = $${i + 2}`)
  .join(', ')} WHERE id = $1 AND version = $${ACCOUNT_COLUMNS.length + 1}`;

const isUniqueViolation = (error: unknown, index: string) =>
  (error as { code?: string }).code === '23505' &&
  ((error as { constraint?: string }).constraint === index ||
    String((error as Error).message).includes(index));

/** Accounts on PostgreSQL or PGlite; a save writes the account, its outbox and audit rows in one transaction. */
export class PostgresAccountRepository implements AccountRepository {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  async #one(where: string, value: string): Promise<Account | null> {
    const [row] = await this.db.query(`SELECT * FROM accounts WHERE ${where} LIMIT 1`, [value]);
    return row ? toAccount(row) : null;
  }

  findById(id: string): Promise<Account | null> {
    // ids are uuids: anything else simply matches nothing
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return this.#one('id = $1', id);
  }

  findByLegacyUsername(username: string): Promise<Account | null> {
    return this.#one('lower(legacy_username) = lower($1)', username.trim());
  }

  async findByLoginEmail(email: string): Promise<MigratedAccount | null> {
    return (await this.#one(
      "lower(login_email) = lower($1) AND status = 'migrated'",
      email.trim(),
    )) as MigratedAccount | null;
  }

  findByCustomerNumber(customerNumber: string): Promise<Account | null> {
    return this.#one('customer_number = $1', customerNumber.trim());
  }

  findByFlowTokenHash(flowTokenHash: string): Promise<Account | null> {
    return this.#one('flow_token_hash = $1', flowTokenHash);
  }

  async save(
    next: Account,
    options: { expectedVersion: number; effects: Effect[] },
  ): Promise<SaveResult> {
    try {
      return await this.db.transaction(async (tx) => {
        const values = accountValues(next);
        const updated = await tx.query(`${UPDATE_ACCOUNT} RETURNING id`, [
          ...values,
          options.expectedVersion,
        ]);
        if (updated.length === 0) return Err({ code: 'conflict' as const });
        await enqueueEmails(
          tx,
          this.box,
          options.effects.flatMap((e) => (e.type === 'email' ? [e.email] : [])),
        );
        await appendAudit(
          tx,
          options.effects.flatMap((e) => (e.type === 'audit' ? [e.entry] : [])),
        );
        return Ok(undefined);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'accounts_login_email')) return Err({ code: 'email_taken' });
      throw error;
    }
  }

  async countByStatus(): Promise<Record<AccountStatus, number>> {
    const rows = await this.db.query<{ status: AccountStatus; n: string | number }>(
      'SELECT status, count(*) AS n FROM accounts GROUP BY status',
    );
    const counts = { legacy: 0, pending_renewal: 0, migrated: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }

  importLegacy(
    rows: AsyncIterable<LegacyImportRow>,
    options: { dryRun: boolean; now: Date },
  ): Promise<ImportOutcome> {
    return importLegacyRows(this.db, rows, options);
  }
}
