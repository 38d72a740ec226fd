import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RejectedRow } from '@renueva/domain';
import { type CommandContext, withRenueva } from '../context.js';
import { ImportFileError, readImportFile } from '../import-file.js';
import { CliError, csvField, print, progressBar, table } from '../output.js';
import { runWrap, type WrapSummary, wrapRows } from './hashes.js';

/**
 * A full garbage collection, for a long streamed import. Rows live across a few awaits
 * (read, validated, sent to COPY), so V8 promotes them and lets its old generation grow
 * to ~150 MiB of garbage before collecting it: collecting every 8 MiB read keeps the
 * peak memory the same for 100k rows and for 10M (~20 ms each).
 */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  return gc;
}
const GC_EVERY_BYTES = 8 * 1024 * 1024;

async function writeReport(path: string, rows: RejectedRow[]): Promise<void> {
  const out = createWriteStream(path);
  out.write('line,reason\n');
  for (const r of rows)
    if (!out.write(`${r.line},${csvField(r.reason)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/**
 * `renueva import <file.csv>`: streamed, set-based, idempotent; never touches renewed
 * accounts. Resolves to the exit code: 0 every row imported or unchanged, 3 some rows
 * rejected (the report lists them).
 */
export async function importFile(
  ctx: CommandContext,
  path: string,
  options: { dryRun: boolean; report?: string; wrap: boolean; rate: number; json: boolean },
): Promise<0 | 3> {
  const size = await stat(path).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      throw new CliError(
        `cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EACCES' ? 'permission denied' : (error.code ?? 'unreadable')}`,
      );
    },
  );
  // the file's own problems (a directory, empty, binary, a wrong header) before the store opens
  const probe = readImportFile(path, []);
  await probe.next().catch(fileError(path));
  await probe.return(undefined);
  const started = Date.now();
  const parseRejected: RejectedRow[] = [];
  let bytes = 0;
  let collected = 0;
  const gc = collector();
  let rows = 0;
  const bar = progressBar(
    ctx.io.isTty && !options.json,
    'Importing |{bar}| {percentage}% | {rows} rows | {speed} rows/s | ETA {eta_formatted}',
  );
  bar?.start(size, 0, { rows: 0, speed: 0 });
  let lastLine = Date.now();
  const progress = () => {
    const seconds = (Date.now() - started) / 1000 || 1;
    const speed = Math.round(rows / seconds);
    if (bar) bar.update(bytes, { rows, speed });
    else if (!options.json && Date.now() - lastLine >= 2000) {
      lastLine = Date.now();
      ctx.io.err(
        `imported ${rows} rows (${speed} rows/s, ${Math.round((bytes / Math.max(size, 1)) * 100)}% of the file)`,
      );
    }
  };

  let wrapped: WrapSummary | null = null;
  const outcome = await withRenueva(ctx, async (renueva) => {
    const imported = await renueva.useCases.importLegacyAccounts({
      rows: readImportFile(path, parseRejected, (n) => {
        bytes += n;
        if (bytes - collected >= GC_EVERY_BYTES) {
          collected = bytes;
          gc();
        }
      }),
      dryRun: options.dryRun,
      onRow: () => {
        rows++;
        if (rows % 1000 === 0) progress();
      },
    });
    bar?.update(size, { rows, speed: Math.round(rows / ((Date.now() - started) / 1000 || 1)) });
    bar?.stop();
    // the weak hashes of the new rows (and any left from before) wrapped at rest
    if (options.wrap && !options.dryRun)
      wrapped = await runWrap(ctx, renueva, { rate: options.rate, batch: 100, json: options.json });
    return imported;
  }).catch((error: unknown) => {
    bar?.stop();
    return fileError(path)(error);
  });

  const rejected = [...parseRejected, ...outcome.rejected].sort((a, b) => a.line - b.line);
  if (options.report) await writeReport(options.report, rejected);
  const seconds = (Date.now() - started) / 1000;
  const summary = {
    file: path,
    dryRun: options.dryRun,
    read: outcome.read + parseRejected.length,
    inserted: outcome.inserted,
    updated: outcome.updated,
    unchanged: outcome.unchanged,
    skipped: outcome.skipped,
    rejected: rejected.length,
    emailMissing: outcome.emailMissing,
    emailInvalid: outcome.emailInvalid,
    emailShared: outcome.emailShared,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round((outcome.read + parseRejected.length) / (seconds || 1)),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    wrap: wrapped as WrapSummary | null,
    ...(options.json && !options.report ? { rejectedRows: rejected } : {}),
  };
  print(ctx.io, options.json, summary, () => {
    const lines = [
      `Import of ${path}${options.dryRun ? ' (dry run: nothing was written)' : ''}`,
      table([
        ['read', summary.read],
        ['inserted', summary.inserted],
        ['updated', summary.updated],
        ['unchanged', summary.unchanged],
        ['skipped (renewing or renewed: untouched)', summary.skipped],
        [
          'rejected',
          `${summary.rejected}${options.report ? ` (reasons in ${options.report})` : ''}`,
        ],
        ['email missing / invalid', `${summary.emailMissing} / ${summary.emailInvalid}`],
        ['email shared by several customer numbers (will share one login)', summary.emailShared],
        ['time', `${summary.seconds} s (${summary.rowsPerSecond} rows/s)`],
        ['peak memory', `${Math.round(summary.maxRssBytes / 1048576)} MiB`],
      ]),
    ];
    if (summary.wrap)
      lines.push('', 'Weak legacy hashes wrapped (ADR 0009)', table(wrapRows(summary.wrap)));
    if (!options.report && rejected.length > 0) {
      lines.push('', 'Rejected rows:');
      for (const r of rejected.slice(0, 20)) lines.push(`  line ${r.line}: ${r.reason}`);
      if (rejected.length > 20)
        lines.push(`  … ${rejected.length - 20} more (use --report rejected.csv)`);
    }
    return lines.join('\n');
  });
  return rejected.length > 0 ? 3 : 0;
}

/** A file-level problem as one CLI line naming the file. */
const fileError =
  (path: string) =>
  (error: unknown): never => {
    if (error instanceof ImportFileError)
      throw new CliError(
        error.message.includes(path) ? error.message : `${path}: ${error.message}`,
        error.exitCode,
      );
    throw error;
  };
