import type { ActivityCounts } from '@renueva/domain';
import { type CommandContext, withRenueva } from '../context.js';
import { print } from '../output.js';

const activityRows = (a: ActivityCounts): [string, number][] => [
  ['  renewals started (sign-in or recovery)', a.renewalsStarted],
  ['  codes sent', a.codesSent],
  ['  renewals completed', a.renewalsCompleted],
  ['  failed sign-ins', a.failedLogins],
  ['  wrong codes', a.failedCodes],
  ['  recoveries requested (logins)', a.recoveriesRequested],
  ['  recoveries completed (logins)', a.recoveries],
];

/** Aligned `label: value` rows under headings; a heading is a line of its own, with no value. */
function sections(groups: [heading: string | null, rows: [string, string | number][]][]): string {
  const width = Math.max(...groups.flatMap(([, rows]) => rows.map(([label]) => label.length)));
  return groups
    .flatMap(([heading, rows]) => [
      ...(heading ? [heading] : []),
      ...rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`),
    ])
    .join('\n');
}

/** `renueva stats`: the migration funnel, overall and for the last 24 hours. */
export async function stats(ctx: CommandContext, options: { json: boolean }): Promise<void> {
  const s = await withRenueva(ctx, (r) => r.useCases.migrationStats());
  print(ctx.io, options.json, s, () =>
    sections([
      [
        null,
        [
          ['Accounts', s.accounts.total],
          ['  legacy (not started)', s.accounts.legacy],
          ['  pending renewal', s.accounts.pending_renewal],
          ['  migrated', `${s.accounts.migrated} (${s.accounts.percentMigrated}%)`],
          ['  weak legacy hashes not wrapped (renueva hashes wrap)', s.accounts.weakLegacyHashes],
          ['Logins (emails signing in)', s.accounts.logins],
        ],
      ],
      ['All time', activityRows(s.activity.allTime)],
      ['Last 24 hours', activityRows(s.activity.last24h)],
      [
        'Emails',
        [
          ['  waiting', s.emails.pending],
          ['  delivered', s.emails.sent],
          ['  dead (not deliverable)', s.emails.dead],
        ],
      ],
      [
        'Reported by the mail provider',
        [
          ['  hard bounces', s.delivery.hard_bounce],
          ['  soft bounces (counted only)', s.delivery.soft_bounce],
          ['  spam complaints', s.delivery.spam_complaint],
          ['  undeliverable addresses now', s.delivery.undeliverable],
        ],
      ],
    ]),
  );
}
