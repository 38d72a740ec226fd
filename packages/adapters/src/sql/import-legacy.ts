import { randomBytes } from 'node:crypto';
import type { ImportOutcome, LegacyImportRow } from '@renueva/domain';
import type { Database } from './database.js';

/** One CSV field for COPY: NULL is an unquoted empty field, everything else is quoted. */
const field = (value: string | null): string =>
  value === null ? '' : value.includes('"') ? `"${value.replaceAll('"', '""')}"` : `"${value}"`;

/**
 * The case-insensitive key of a username, as the unique index computes it
 * (`lower(legacy_username)`): computed here for ASCII names (the same in JavaScript and
 * PostgreSQL, and far cheaper here); left to PostgreSQL (NULL) for any other.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is what it checks
const ascii = /^[\u0000-\u007f]*$/;
const lowerKey = (value: string | null): string | null =>
  value !== null && ascii.test(value) ? value.toLowerCase() : null;

/**
 * `lower(x)` of a stored text, cheaper: byte-wise for ASCII text (the same result in the
 * database's UTF-8 collations), the full `lower()` only for text that is not ASCII.
 */
const fastLower = (x: string) =>
  `CASE WHEN octet_length(${x}) = char_length(${x}) THEN lower(${x} COLLATE "C") ELSE lower(${x}) END`;

/** CSV for COPY in ~16 KiB chunks: one write per row would dominate the import. */
async function* csvChunks(
  rows: AsyncIterable<LegacyImportRow | readonly LegacyImportRow[]>,
): AsyncIterable<string> {
  let chunk = '';
  for await (const item of rows) {
    for (const r of Array.isArray(item) ? item : [item as LegacyImportRow])
      chunk += `${r.line},${field(r.customerNumber)},${field(r.username)},${field(lowerKey(r.username))},${field(r.email)},${field(r.emailValid ? lowerKey(r.email) : null)},${r.emailValid},${field(r.passwordHash)}\n`;
    if (chunk.length >= 16_384) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * The ids of new accounts: UUIDv7-shaped (RFC 9562), the import's start time and 24
 * random bits, then the line number, so they increase in file order and the primary
 * key index takes them at its right edge instead of at random pages (random v4 ids
 * cost about a third of the insert).
 */
function idPrefix(now: Date): string {
  const time = now.getTime().toString(16).padStart(12, '0').slice(-12);
  const random = randomBytes(3).toString('hex');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-8${random.slice(3)}-`;
}

/**
 * The set-based import: the rows stream by COPY into a staging table, then a few
 * statements classify every row at once (duplicates within the file, usernames owned
 * by another customer, accounts already pending or migrated, unchanged, changed,
 * new), insert and update in bulk, and count. Never row by row.
 *
 * Cost notes (docs/performance.md): sorts and partitions compare with COLLATE "C"
 * (byte order: the same equality as the database's deterministic collation, without
 * strcoll), the username keys come lower-cased from the reader, and on a PostgreSQL
 * server the transaction gets the memory to sort in RAM (PGlite runs in this process:
 * it keeps its defaults, so the import's memory stays flat).
 */
export async function importLegacyRows(
  db: Database,
  rows: AsyncIterable<LegacyImportRow | readonly LegacyImportRow[]>,
  options: { dryRun: boolean; now: Date },
): Promise<ImportOutcome> {
  return db.transaction(
    async (tx) => {
      if (db.driver === 'postgres') {
        await tx.query("SET LOCAL work_mem = '128MB'");
        await tx.query('SET LOCAL jit = off');
      }
      await tx.query(`CREATE TEMP TABLE import_staging (
        line integer NOT NULL, customer_number text NOT NULL, username text NOT NULL,
        username_key text, email text, email_key text, email_valid boolean NOT NULL,
        password_hash text NOT NULL
      ) ON COMMIT DROP`);
      await tx.copyCsv('import_staging', csvChunks(rows));
      // temp tables have no statistics until analysed: without them the planner guesses badly
      await tx.query('ANALYZE import_staging');

      // duplicates within the file: sorted narrow (key, line) pairs, grouped; only keys
      // seen twice are kept. A hash aggregate of a million keys is slower and bigger.
      await tx.query('SET LOCAL enable_hashagg = off');
      await tx.query(`CREATE TEMP TABLE import_result ON COMMIT DROP AS
        WITH keyed AS (
          SELECT line, customer_number, username, email, email_valid, password_hash,
            coalesce(username_key, lower(username)) AS username_key,
            CASE WHEN email_valid THEN coalesce(email_key, lower(email)) END AS email_key
          FROM import_staging
        ),
        dup_customer AS (
          SELECT customer_number COLLATE "C" AS k, min(line) AS first_line
          FROM import_staging GROUP BY 1 HAVING count(*) > 1
        ),
        dup_username AS (
          SELECT coalesce(username_key, lower(username)) COLLATE "C" AS k, min(line) AS first_line
          FROM import_staging GROUP BY 1 HAVING count(*) > 1
        )
        SELECT s.*, a.id AS account_id,
          dc.first_line AS first_customer_line, du.first_line AS first_username_line,
          CASE
            WHEN dc.first_line < s.line THEN 'duplicate_customer'
            WHEN du.first_line < s.line THEN 'duplicate_username'
            WHEN a.id IS NULL THEN 'inserted'
            WHEN a.status <> 'legacy' THEN 'skipped'
            WHEN a.legacy_username = s.username AND a.registered_email IS NOT DISTINCT FROM s.email
              AND a.legacy_password_hash = s.password_hash THEN 'unchanged'
            ELSE 'updated'
          END AS verdict,
          -- a username spelled exactly as its own account's cannot belong to another one
          (a.id IS NULL OR a.legacy_username <> s.username) AS check_owner,
          NULL::text AS owner_customer
        FROM keyed s
        LEFT JOIN dup_customer dc ON dc.k = s.customer_number COLLATE "C"
        LEFT JOIN dup_username du ON du.k = s.username_key COLLATE "C"
        LEFT JOIN accounts a ON a.customer_number = s.customer_number`);
      await tx.query('SET LOCAL enable_hashagg = on');
      // a username (any case) that belongs to another customer in the store rejects the row;
      // only rows with a new or changed username are looked up (none on an unchanged re-run)
      await tx.query(`UPDATE import_result r SET verdict = 'owned', owner_customer = o.customer_number
        FROM accounts o
        WHERE r.check_owner AND r.verdict IN ('inserted', 'updated', 'skipped')
          AND lower(o.legacy_username) = r.username_key AND o.customer_number <> r.customer_number`);
      await tx.query('ANALYZE import_result');

      await tx.query(
        `INSERT INTO accounts (id, customer_number, legacy_username, registered_email, status,
           legacy_password_hash, version, created_at, updated_at)
         SELECT ($2 || lpad(to_hex(line), 12, '0'))::uuid, customer_number, username, email,
           'legacy', password_hash, 1, $1, $1
         FROM import_result WHERE verdict = 'inserted' ORDER BY line`,
        [options.now, idPrefix(options.now)],
      );
      await tx.query(
        `UPDATE accounts a SET legacy_username = r.username, registered_email = r.email,
           legacy_password_hash = r.password_hash, version = a.version + 1, updated_at = $1
         FROM import_result r
         WHERE r.verdict = 'updated' AND a.id = r.account_id AND a.status = 'legacy'`,
        [options.now],
      );

      // shared: the same email (any case) on more than one customer number (or a login). The
      // accepted rows are in the store by now (a dry run rolls back at the end), so an email
      // is shared when two accounts of the store hold it, or a login is it.
      const [counts] = await tx.query<Record<string, string | number>>(`
        WITH accepted AS (
          SELECT * FROM import_result WHERE verdict IN ('inserted', 'updated', 'unchanged')
        ),
        shared AS (
          SELECT ${fastLower('registered_email')} AS e FROM accounts
          WHERE registered_email IS NOT NULL GROUP BY 1 HAVING count(*) > 1
          UNION
          SELECT lower(email) FROM logins
        )
        SELECT
          count(*) FILTER (WHERE verdict = 'inserted') AS inserted,
          count(*) FILTER (WHERE verdict = 'updated') AS updated,
          count(*) FILTER (WHERE verdict = 'unchanged') AS unchanged,
          (SELECT count(*) FROM import_result WHERE verdict = 'skipped') AS skipped,
          count(*) FILTER (WHERE email IS NULL) AS email_missing,
          count(*) FILTER (WHERE email IS NOT NULL AND NOT email_valid) AS email_invalid,
          count(*) FILTER (WHERE email_key IN (SELECT e FROM shared)) AS email_shared
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
