import { randomBytes } from 'node:crypto';
import type { ImportedLines, ImportOutcome, LegacyImportRow, LineDigest } from '@renueva/domain';
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
const lowerKey = (value: string): string | null => (ascii.test(value) ? value.toLowerCase() : null);

/**
 * `lower(x)` of a stored text, cheaper: byte-wise for ASCII text (the same result in the
 * database's UTF-8 collations), the full `lower()` only for text that is not ASCII.
 */
const fastLower = (x: string) =>
  `CASE WHEN octet_length(${x}) = char_length(${x}) THEN lower(${x} COLLATE "C") ELSE lower(${x}) END`;

/** A digest as hex (16 digits), the form COPY (after `\x`) and `decode` read. */
function hex(d: LineDigest): string {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(d[0]);
  bytes.writeUInt32BE(d[1], 4);
  return bytes.toString('hex');
}

/** Digests from a hex string of 16 digits each. */
function* digestsOf(text: string | null | undefined): Iterable<LineDigest> {
  for (let i = 0; i + 16 <= (text ?? '').length; i += 16)
    yield [
      Number.parseInt((text as string).slice(i, i + 8), 16),
      Number.parseInt((text as string).slice(i + 8, i + 16), 16),
    ];
}

/**
 * The digests of the lines that made the legacy accounts as they stand (migration 007):
 * one pass over the table in ranges of 4,096 blocks (TID range scans, whatever the
 * planner knows of the table), one hex string per range rather than a row object per
 * account, into one array sized by a count. Rows moved or added meanwhile may be missed
 * (their lines are then validated, as without a digest) or seen twice (harmless).
 */
export async function importedLineDigests(db: Database): Promise<Uint32Array> {
  const where = "status = 'legacy' AND import_digest IS NOT NULL";
  const [size] = await db.query<{ n: string | number; blocks: string | number }>(
    `SELECT count(*) AS n,
       pg_relation_size('accounts') / current_setting('block_size')::bigint AS blocks
     FROM accounts WHERE ${where}`,
  );
  let all = new Uint32Array(2 * Number(size?.n ?? 0));
  let at = 0;
  const blocks = Number(size?.blocks ?? 0);
  for (let from = 0; from < blocks && all.length > 0; from += 4096) {
    const [range] = await db.query<{ hex: string | null }>(
      `SELECT encode(string_agg(import_digest, ''::bytea), 'hex') AS hex FROM accounts
       WHERE ctid >= $1::tid AND ctid < $2::tid AND ${where}`,
      [`(${from},0)`, `(${from + 4096},0)`],
    );
    const hex = range?.hex ?? '';
    if (at + hex.length / 8 > all.length) {
      const grown = new Uint32Array(2 * (at + hex.length / 8));
      grown.set(all.subarray(0, at));
      all = grown;
    }
    for (const [hi, lo] of digestsOf(hex)) {
      all[at++] = hi;
      all[at++] = lo;
    }
  }
  return at === all.length ? all : all.slice(0, at);
}

/**
 * CSV for COPY in ~16 KiB chunks: one write per row would dominate the import. Customer
 * numbers (digits) and valid emails (lower-case ASCII without commas or quotes: also their
 * own key) go unquoted; the digests of a batch are made hex in one call.
 */
async function* csvChunks(
  rows: AsyncIterable<LegacyImportRow | readonly LegacyImportRow[]>,
): AsyncIterable<string> {
  let chunk = '';
  let digests = Buffer.alloc(0);
  for await (const item of rows) {
    const batch = Array.isArray(item) ? item : [item as LegacyImportRow];
    if (digests.length < 8 * batch.length) digests = Buffer.alloc(8 * batch.length);
    for (let i = 0; i < batch.length; i++) {
      const d = (batch[i] as LegacyImportRow).digest;
      digests.writeUInt32BE(d ? d[0] : 0, 8 * i);
      digests.writeUInt32BE(d ? d[1] : 0, 8 * i + 4);
    }
    const hexes = digests.toString('hex', 0, 8 * batch.length);
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i] as LegacyImportRow;
      chunk += `${r.line},${r.customerNumber},${field(r.username)},${field(lowerKey(r.username))},${r.emailValid ? r.email : field(r.email)},${r.emailValid},${field(r.passwordHash)},${r.digest ? `\\x${hexes.slice(16 * i, 16 * i + 16)}` : ''}\n`;
    }
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
  options: { dryRun: boolean; now: Date; kept?: ImportedLines },
): Promise<ImportOutcome> {
  const kept = options.kept;
  return db.transaction(
    async (tx) => {
      if (db.driver === 'postgres') {
        await tx.query("SET LOCAL work_mem = '128MB'");
        await tx.query('SET LOCAL jit = off');
      }
      // the staging tables' statistics (ANALYZE below) from a sample of 3,000 rows, not
      // 30,000: row counts and rough distinct counts are all the planner needs of them
      await tx.query('SET LOCAL default_statistics_target = 10');
      await tx.query(`CREATE TEMP TABLE import_staging (
        line integer NOT NULL, customer_number text NOT NULL, username text NOT NULL,
        username_key text, email text, email_valid boolean NOT NULL,
        password_hash text NOT NULL, digest bytea
      ) ON COMMIT DROP`);
      await tx.copyCsv('import_staging', csvChunks(rows));
      // temp tables have no statistics until analysed: without them the planner guesses badly
      await tx.query('ANALYZE import_staging');

      // Kept lines (ADR 0012) are the rows that made their accounts, so they are unchanged
      // unless another line of the file names the same customer number or username: then
      // the kept line is staged after all, from its account, and classified with the rest.
      if (kept && kept.kept > 0) {
        const [near] = await tx.query<{ hex: string | null }>(`
          SELECT encode(string_agg(d, ''::bytea), 'hex') AS hex FROM (
            SELECT a.import_digest AS d FROM import_staging s
            JOIN accounts a ON a.customer_number = s.customer_number
            WHERE a.import_digest IS NOT NULL AND a.status = 'legacy'
            UNION
            SELECT a.import_digest FROM import_staging s
            JOIN accounts a ON lower(a.legacy_username) = coalesce(s.username_key, lower(s.username))
            WHERE a.import_digest IS NOT NULL AND a.status = 'legacy'
          ) near`);
        const back = [...digestsOf(near?.hex)].filter((d) => kept.lineOf(d) > 0);
        if (back.length > 0) {
          await tx.query(
            `INSERT INTO import_staging (line, customer_number, username, email, email_valid,
               password_hash, digest)
             SELECT k.line, a.customer_number, a.legacy_username, a.registered_email,
               get_byte(a.import_digest, 7) & 3 = 2, a.legacy_password_hash, a.import_digest
             FROM unnest($1::text[], $2::int[]) AS k(digest, line)
             JOIN accounts a ON a.import_digest = decode(k.digest, 'hex') AND a.status = 'legacy'`,
            [back.map(hex), back.map((d) => kept.lineOf(d))],
          );
          for (const d of back) kept.release(d);
          await tx.query('ANALYZE import_staging');
        }
      }

      // duplicates within the file: sorted narrow (key, line) pairs, grouped; only keys
      // seen twice are kept. A hash aggregate of a million keys is slower and bigger.
      await tx.query('SET LOCAL enable_hashagg = off');
      await tx.query(`CREATE TEMP TABLE import_result ON COMMIT DROP AS
        WITH keyed AS (
          SELECT line, customer_number, username, email, email_valid, password_hash, digest,
            coalesce(username_key, lower(username)) AS username_key,
            CASE WHEN email_valid THEN email END AS email_key
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

      // in the result's own order, not sorted again (a sort of the whole result costs about a
      // second): the file's, as the classification's hash joins keep the staging table's
      await tx.query(
        `INSERT INTO accounts (id, customer_number, legacy_username, registered_email, status,
           legacy_password_hash, version, created_at, updated_at, import_digest)
         SELECT ($2 || lpad(to_hex(line), 12, '0'))::uuid, customer_number, username, email,
           'legacy', password_hash, 1, $1, $1, digest
         FROM import_result WHERE verdict = 'inserted'`,
        [options.now, idPrefix(options.now)],
      );
      // the changed accounts, and (one scan of the result, not two) the unchanged ones that
      // learn the digest of their line: imported before migration 007, or the same row
      // written differently. That is bookkeeping, not a change: no version, no updated_at.
      await tx.query(
        `UPDATE accounts a SET legacy_username = r.username, registered_email = r.email,
           legacy_password_hash = r.password_hash,
           version = a.version + CASE WHEN r.verdict = 'updated' THEN 1 ELSE 0 END,
           updated_at = CASE WHEN r.verdict = 'updated' THEN $1 ELSE a.updated_at END,
           import_digest = r.digest
         FROM import_result r
         WHERE r.verdict IN ('updated', 'unchanged') AND a.id = r.account_id
           AND a.status = 'legacy'
           AND (r.verdict = 'updated'
             OR (r.digest IS NOT NULL AND a.import_digest IS DISTINCT FROM r.digest))`,
        [options.now],
      );

      // shared: the same email (any case) on more than one customer number (or a login). The
      // accepted rows are in the store by now (a dry run rolls back at the end), so an email
      // is shared when two accounts of the store hold it, or a login is it.
      // sorted, not hashed: a hash aggregate of a million emails takes about twice as long
      await tx.query('SET LOCAL enable_hashagg = off');
      await tx.query(`CREATE TEMP TABLE import_shared ON COMMIT DROP AS
          SELECT ${fastLower('registered_email')} AS e FROM accounts
          WHERE registered_email IS NOT NULL GROUP BY 1 HAVING count(*) > 1
          UNION
          SELECT lower(email) FROM logins`);
      await tx.query('SET LOCAL enable_hashagg = on');
      const [counts] = await tx.query<Record<string, string | number | boolean>>(`
        WITH shared AS (SELECT e FROM import_shared)
        SELECT
          count(*) FILTER (WHERE verdict = 'inserted') AS inserted,
          count(*) FILTER (WHERE verdict = 'updated') AS updated,
          count(*) FILTER (WHERE verdict = 'unchanged') AS unchanged,
          count(*) FILTER (WHERE verdict = 'skipped') AS skipped,
          count(*) FILTER (WHERE NOT accepted AND verdict <> 'skipped') AS rejected,
          count(*) FILTER (WHERE accepted AND email IS NULL) AS email_missing,
          count(*) FILTER (WHERE accepted AND email IS NOT NULL AND NOT email_valid) AS email_invalid,
          count(*) FILTER (WHERE accepted AND email_key IN (SELECT e FROM shared)) AS email_shared,
          EXISTS (SELECT 1 FROM shared) AS any_shared
        FROM (SELECT *, verdict IN ('inserted', 'updated', 'unchanged') AS accepted
          FROM import_result) r`);
      const n = (key: string) => Number(counts?.[key] ?? 0);
      // a clean file has none: no third scan of the result for them
      const rejected =
        n('rejected') === 0
          ? []
          : await tx.query<{ line: number; reason: string }>(`
        SELECT line, CASE verdict
            WHEN 'duplicate_customer' THEN 'duplicate customer_number ' || customer_number || ' (first at line ' || first_customer_line || ')'
            WHEN 'duplicate_username' THEN 'duplicate username ' || username || ' (first at line ' || first_username_line || ')'
            ELSE 'username ' || username || ' belongs to customer ' || owner_customer
          END AS reason
        FROM import_result WHERE verdict IN ('duplicate_customer', 'duplicate_username', 'owned')
        ORDER BY line`);
      // the kept lines' emails: their class is in their digests; shared, from the store
      let keptShared = 0;
      if (kept && kept.kept > 0 && counts?.any_shared) {
        const [shared] = await tx.query<{ hex: string | null }>(`
          SELECT encode(string_agg(a.import_digest, ''::bytea), 'hex') AS hex
          FROM accounts a JOIN import_shared s ON s.e = ${fastLower('a.registered_email')}
          WHERE a.status = 'legacy' AND get_byte(a.import_digest, 7) & 3 = 2`);
        for (const d of digestsOf(shared?.hex)) if (kept.lineOf(d) > 0) keptShared++;
      }
      const [keptMissing, keptInvalid] = kept?.keptByEmail ?? [0, 0, 0];
      return {
        inserted: n('inserted'),
        updated: n('updated'),
        unchanged: n('unchanged') + (kept?.kept ?? 0),
        skipped: n('skipped'),
        rejected: rejected.map((r) => ({ line: Number(r.line), reason: r.reason })),
        emailMissing: n('email_missing') + keptMissing,
        emailInvalid: n('email_invalid') + keptInvalid,
        emailShared: n('email_shared') + keptShared,
      };
    },
    { rollback: options.dryRun },
  );
}
