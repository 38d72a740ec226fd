import type { ImportOutcome, LegacyImportRow } from '@renueva/domain';
import type { Database } from './database.js';

/** One CSV field for COPY: NULL is an unquoted empty field, everything else is quoted. */
const field = (value: string | number | boolean | null): string =>
  value === null ? '' : `"${String(value).replaceAll('"', '""')}"`;

/** CSV for COPY in ~64 KiB chunks: one write per row would dominate the import. */
async function* csvChunks(rows: AsyncIterable<LegacyImportRow>): AsyncIterable<string> {
  let chunk = '';
  for await (const r of rows) {
    chunk += `${[r.line, r.customerNumber, r.username, r.email, r.emailValid, r.passwordHash].map(field).join(',')}\n`;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * The set-based import: the rows stream by COPY into a staging table, then a few
 * statements classify every row at once (duplicates within the file, usernames owned
 * by another customer, accounts already pending or migrated, unchanged, changed,
 * new), insert and update in bulk, and count. Never row by row.
 */
export async function importLegacyRows(
  db: Database,
  rows: AsyncIterable<LegacyImportRow>,
  options: { dryRun: boolean; now: Date },
): Promise<ImportOutcome> {
  return db.transaction(
    async (tx) => {
      await tx.query(`CREATE TEMP TABLE import_staging (
        line integer NOT NULL, customer_number text NOT NULL, username text NOT NULL,
        email text, email_valid boolean NOT NULL, password_hash text NOT NULL
      ) ON COMMIT DROP`);
      await tx.copyCsv('import_staging', csvChunks(rows));
      // temp tables have no statistics until analysed: without them the planner guesses badly
      await tx.query('ANALYZE import_staging');

      await tx.query(`CREATE TEMP TABLE import_result ON COMMIT DROP AS
        WITH ranked AS (
          SELECT s.*,
            min(line) OVER (PARTITION BY customer_number) AS first_customer_line,
            min(line) OVER (PARTITION BY lower(username)) AS first_username_line
          FROM import_staging s
        )
        SELECT r.*, a.id AS account_id,
          CASE
            WHEN r.first_customer_line < r.line THEN 'duplicate_customer'
            WHEN r.first_username_line < r.line THEN 'duplicate_username'
            WHEN owner.customer_number IS NOT NULL THEN 'owned'
            WHEN a.id IS NULL THEN 'inserted'
            WHEN a.status <> 'legacy' THEN 'skipped'
            WHEN a.legacy_username = r.username AND a.registered_email IS NOT DISTINCT FROM r.email
              AND a.legacy_password_hash = r.password_hash THEN 'unchanged'
            ELSE 'updated'
          END AS verdict,
          owner.customer_number AS owner_customer
        FROM ranked r
        LEFT JOIN accounts a ON a.customer_number = r.customer_number
        LEFT JOIN accounts owner
          ON lower(owner.legacy_username) = lower(r.username) AND owner.customer_number <> r.customer_number`);
      await tx.query('ANALYZE import_result');

      await tx.query(
        `INSERT INTO accounts (id, customer_number, legacy_username, registered_email, status,
           legacy_password_hash, version, created_at, updated_at)
         SELECT gen_random_uuid(), customer_number, username, email, 'legacy', password_hash, 1, $1, $1
         FROM import_result WHERE verdict = 'inserted'`,
        [options.now],
      );
      await tx.query(
        `UPDATE accounts a SET legacy_username = r.username, registered_email = r.email,
           legacy_password_hash = r.password_hash, version = a.version + 1, updated_at = $1
         FROM import_result r
         WHERE r.verdict = 'updated' AND a.id = r.account_id AND a.status = 'legacy'`,
        [options.now],
      );

      // shared: the same email (any case) on more than one customer number (or a login), among
      // the accepted rows and the store: those will share one login. One grouped pass.
      const [counts] = await tx.query<Record<string, string | number>>(`
        WITH accepted AS (
          SELECT * FROM import_result WHERE verdict IN ('inserted', 'updated', 'unchanged')
        ),
        owners AS (
          SELECT lower(email) AS e, customer_number FROM accepted WHERE email_valid
          UNION
          SELECT lower(registered_email), customer_number FROM accounts WHERE registered_email IS NOT NULL
          UNION
          SELECT lower(email), 'login:' || id FROM logins
        ),
        shared AS (SELECT e FROM owners GROUP BY e HAVING count(*) > 1)
        SELECT
          count(*) FILTER (WHERE verdict = 'inserted') AS inserted,
          count(*) FILTER (WHERE verdict = 'updated') AS updated,
          count(*) FILTER (WHERE verdict = 'unchanged') AS unchanged,
          (SELECT count(*) FROM import_result WHERE verdict = 'skipped') AS skipped,
          count(*) FILTER (WHERE email IS NULL) AS email_missing,
          count(*) FILTER (WHERE email IS NOT NULL AND NOT email_valid) AS email_invalid,
          count(*) FILTER (WHERE email_valid AND lower(email) IN (SELECT e FROM shared)) AS email_shared
        FROM accepted`);
      const rejected = await tx.query<{ line: number; reason: string }>(`
        SELECT line, CASE verdict
            WHEN 'duplicate_customer' THEN 'duplicate customer_number ' || customer_number || ' (first at line ' || first_customer_line || ')'
            WHEN 'duplicate_username' THEN 'duplicate username ' || username || ' (first at line ' || first_username_line || ')'
            ELSE 'username ' || username || ' belongs to customer ' || owner_customer
          END AS reason
        FROM import_result WHERE verdict IN ('duplicate_customer', 'duplicate_username', 'owned')
        ORDER BY line`);
      const n = (key: string) => Number(counts?.[key] ?? 0);
      return {
        inserted: n('inserted'),
        updated: n('updated'),
        unchanged: n('unchanged'),
        skipped: n('skipped'),
        rejected: rejected.map((r) => ({ line: Number(r.line), reason: r.reason })),
        emailMissing: n('email_missing'),
        emailInvalid: n('email_invalid'),
        emailShared: n('email_shared'),
      };
    },
    { rollback: options.dryRun },
  );
}
