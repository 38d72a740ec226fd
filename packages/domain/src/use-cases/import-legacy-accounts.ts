import { auditEntry, NO_REQUEST } from '../account.js';
import { ImportedLines, type LineDigest, withEmailClass } from '../imported-lines.js';
import type { ImportOutcome, LegacyImportRow, RejectedRow } from '../ports.js';
import { parseCustomerNumber, parseEmail, parseLegacyUsername } from '../values.js';
import type { Ports } from './deps.js';

/** A row as read from the import file (DESIGN section 8), before validation. */
export interface RawImportRow {
  /** Line number in the file, for the report. */
  line: number;
  customer_number: string;
  username: string;
  email: string;
  password_hash: string;
  /** The line's digest (`LineDigest`): a line the store holds already is kept unvalidated. */
  digest?: LineDigest;
}

/**
 * The scheme a stored hash names, for the report: its label only (`scheme "rot13"`,
 * `scheme "{SSHA256}"`, `scheme "$2z$"`), never a character of the hash itself.
 */
function schemeLabel(hash: string): string | null {
  const label =
    /^\{[A-Za-z0-9._-]{1,20}\}/.exec(hash)?.[0] ??
    /^\$[A-Za-z0-9._-]{1,20}\$/.exec(hash)?.[0] ??
    /^([A-Za-z][A-Za-z0-9._-]{0,29})[:$]/.exec(hash)?.[1];
  return label ? `scheme "${label}"` : null;
}

/** Validates one row: the reason names what is wrong, in English, for the operator. */
export function validateImportRow(
  row: RawImportRow,
  recognizes: (hash: string) => boolean,
): { ok: true; row: LegacyImportRow } | { ok: false; rejected: RejectedRow } {
  const reject = (reason: string) => ({ ok: false as const, rejected: { line: row.line, reason } });
  const customerNumber = parseCustomerNumber(row.customer_number ?? '');
  if (customerNumber.isErr())
    return reject(`invalid customer_number ${JSON.stringify(row.customer_number ?? '')}`);
  const username = parseLegacyUsername(row.username ?? '');
  if (username.isErr()) return reject(`invalid username ${JSON.stringify(row.username ?? '')}`);
  const hash = (row.password_hash ?? '').trim();
  if (!hash) return reject('missing password_hash');
  if (!recognizes(hash))
    return reject(
      `unknown or malformed password_hash ${schemeLabel(hash) ?? '(no scheme named: raw values need a prefix such as md5:)'}`,
    );
  const rawEmail = (row.email ?? '').trim();
  const email = rawEmail ? parseEmail(rawEmail) : null;
  const emailValid = email?.isOk() ?? false;
  return {
    ok: true,
    row: {
      line: row.line,
      customerNumber: customerNumber.value,
      username: username.value,
      email: email?.isOk() ? email.value : rawEmail || null,
      emailValid,
      passwordHash: hash,
      ...(row.digest ? { digest: withEmailClass(row.digest, emailValid ? 2 : email ? 1 : 0) } : {}),
    },
  };
}

/**
 * Imports legacy accounts from a stream of rows: each row is validated here (bad rows
 * are reported with their line and reason, never thrown), the valid ones go to the
 * repository's set-based upsert. Idempotent; migrated and pending accounts are never
 * touched. `onRow` sees every row read, for progress.
 */
export const importLegacyAccounts =
  (ports: Pick<Ports, 'accounts' | 'legacy' | 'audit' | 'clock'>) =>
  async (input: {
    /** The rows, one at a time or in batches (a batch costs one async step, not one per row). */
    rows: AsyncIterable<RawImportRow | readonly RawImportRow[]>;
    dryRun: boolean;
    onRow?: (line: number) => void;
  }): Promise<ImportOutcome & { read: number }> => {
    const rejected: RejectedRow[] = [];
    let read = 0;
    const recognizes = (hash: string) => ports.legacy.recognizes(hash);
    // the lines that made the accounts as they stand: the same line again is kept as it
    // is, without validation or staging (ADR 0012); an empty store has none to load
    const digests = await ports.accounts.importedLineDigests?.();
    const kept = digests && digests.length > 0 ? new ImportedLines(digests) : undefined;
    async function* valid(): AsyncIterable<LegacyImportRow[]> {
      for await (const item of input.rows) {
        const batch: LegacyImportRow[] = [];
        for (const raw of Array.isArray(item) ? item : [item as RawImportRow]) {
          read++;
          input.onRow?.(raw.line);
          if (kept && raw.digest && kept.claim(raw.digest, raw.line)) continue;
          const checked = validateImportRow(raw, recognizes);
          if (checked.ok) batch.push(checked.row);
          else rejected.push(checked.rejected);
        }
        if (batch.length > 0) yield batch;
      }
    }
    const now = ports.clock.now();
    const outcome = await ports.accounts.importLegacy(valid(), {
      dryRun: input.dryRun,
      now,
      ...(kept ? { kept } : {}),
    });
    const all = [...rejected, ...outcome.rejected].sort((a, b) => a.line - b.line);
    if (!input.dryRun) {
      const { rejected: _r, ...counts } = outcome;
      await ports.audit.append([
        auditEntry('imported', null, now, NO_REQUEST, { ...counts, rejected: all.length }),
      ]);
    }
    return { ...outcome, rejected: all, read };
  };
