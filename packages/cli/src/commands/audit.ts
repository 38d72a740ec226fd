import type { AuditRow } from '@renueva/domain';
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { actorOf, type CommandContext, withRenueva } from '../context.js';
import { CliError, csvField } from '../output.js';

/** `--since`: a time ago (`90m`, `24h`, `7d`, `2w`) or an ISO date or date-time. */
export type Since = { ago: number } | { at: Date };

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const sinceSchema = z.union([
  z
    .string()
    .regex(/^\d+[mhdw]$/)
    .transform((s) => ({
      ago: Number(s.slice(0, -1)) * UNIT_SECONDS[s.at(-1) as keyof typeof UNIT_SECONDS],
    })),
  z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((s) => ({ at: new Date(s) })),
]);

/** Commander's parser for `--since`. */
export function parseSince(value: string): Since {
  const parsed = sinceSchema.safeParse(value);
  if (!parsed.success || ('at' in parsed.data && Number.isNaN(parsed.data.at.getTime())))
    throw new InvalidArgumentError(
      'expected a duration (30m, 24h, 7d, 2w) or an ISO date (2026-11-01 or 2026-11-01T08:00:00Z)',
    );
  return parsed.data;
}

const detailText = (d: AuditRow['detail']) =>
  Object.entries(d)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

const FORMATS = {
  human: {
    header: `${'time'.padEnd(24)}  ${'action'.padEnd(23)}  ${'customer numbers'.padEnd(16)}  ${'email'.padEnd(28)}  ${'ip'.padEnd(15)}  detail`,
    row: (r: AuditRow) =>
      `${r.at.toISOString()}  ${r.action.padEnd(23)}  ${(r.customerNumbers.join(', ') || '—').padEnd(16)}  ${(r.email ?? '—').padEnd(28)}  ${(r.ip ?? '—').padEnd(15)}  ${detailText(r.detail)}`.trimEnd(),
  },
  json: {
    header: null,
    row: (r: AuditRow) => JSON.stringify({ ...r, at: r.at.toISOString() }),
  },
  csv: {
    header: 'at,action,customer_numbers,email,ip,detail',
    row: (r: AuditRow) =>
      [
        r.at.toISOString(),
        r.action,
        r.customerNumbers.join(' '),
        r.email ?? '',
        r.ip ?? '',
        JSON.stringify(r.detail),
      ]
        .map(csvField)
        .join(','),
  },
};

/**
 * `renueva audit`: the credential events, oldest first, written as they are read (a page
 * at a time). JSON is one object per line; CSV has a header; `--unmasked` is audited.
 */
export async function audit(
  ctx: CommandContext,
  options: {
    since?: Since;
    customer?: string;
    email?: string;
    format: keyof typeof FORMATS;
    unmasked: boolean;
  },
): Promise<void> {
  const format = FORMATS[options.format];
  const subject =
    options.customer !== undefined
      ? { customerNumber: options.customer }
      : options.email !== undefined
        ? { email: options.email }
        : null;
  const written = await withRenueva(ctx, async (r) => {
    const since = options.since
      ? 'at' in options.since
        ? options.since.at
        : new Date(r.clock.now().getTime() - options.since.ago * 1000)
      : null;
    const rows = await r.useCases.exportAudit({
      since,
      subject,
      unmasked: options.unmasked,
      actor: actorOf(ctx),
    });
    if (rows.isErr()) {
      const e = rows.error;
      if (e.code === 'invalid_input')
        throw new CliError(
          options.customer !== undefined
            ? `"${options.customer}" is not a customer number`
            : `"${options.email}" is not an email address`,
          2,
        );
      throw new CliError(
        options.customer !== undefined
          ? `no account with customer number ${options.customer}`
          : `no login or account with email ${options.email}`,
      );
    }
    let n = 0;
    for await (const row of rows.value) {
      if (n++ === 0 && format.header) ctx.io.out(format.header);
      ctx.io.out(format.row(row));
    }
    return n;
  });
  // a script reading CSV still gets its header; a person gets a sentence
  if (written === 0 && options.format === 'csv' && format.header) ctx.io.out(format.header);
  if (written === 0 && options.format === 'human') ctx.io.out('No audit entries.');
}
