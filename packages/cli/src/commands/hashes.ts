import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeLegacyHash, type Renueva } from '@renueva/adapters';
import type { WrapOutcome } from '@renueva/domain';
import { actorOf, type CommandContext, withRenueva } from '../context.js';
import { print, progressBar, table } from '../output.js';

/** About how many argon2id hashes (m=19 MiB, t=2) one core does per second. */
const HASHES_PER_CORE = 20;

/** Waits so that calls start at most `rate` per second (0: no bound). */
function pacer(rate: number): (() => Promise<void>) | undefined {
  if (rate <= 0) return undefined;
  const interval = 1000 / rate;
  let next = performance.now();
  return async () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) await sleep(at - now);
  };
}

export interface WrapSummary extends WrapOutcome {
  seconds: number;
  hashesPerSecond: number;
}

/**
 * Wraps the weak legacy hashes at `rate` hashes per second (0: as fast as the CPUs go),
 * with a progress bar on a terminal and a line every 2 s otherwise. Only as many hashes
 * run at once as the rate needs, so a modest rate keeps to one core.
 */
export async function runWrap(
  ctx: CommandContext,
  renueva: Renueva,
  options: { rate: number; batch: number; json: boolean },
): Promise<WrapSummary> {
  const cpus = availableParallelism();
  const concurrency =
    options.rate > 0 ? Math.min(cpus, Math.ceil(options.rate / HASHES_PER_CORE)) : cpus;
  const started = performance.now();
  const bar = progressBar(
    ctx.io.isTty && !options.json,
    'Wrapping |{bar}| {percentage}% | {value}/{total} hashes | {speed}/s | ETA {eta_formatted}',
  );
  let lastLine = performance.now();
  let total = 0;
  const outcome = await renueva.useCases
    .wrapWeakLegacyHashes({
      actor: actorOf(ctx),
      batchSize: options.batch,
      concurrency,
      pace: pacer(options.rate),
      onStart: (n) => {
        total = n;
        bar?.start(n, 0, { speed: 0 });
      },
      onProgress: ({ wrapped, skipped }) => {
        const seconds = (performance.now() - started) / 1000 || 1;
        const done = wrapped + skipped;
        const speed = Math.round((done / seconds) * 10) / 10;
        if (bar) bar.update(done, { speed });
        else if (!options.json && performance.now() - lastLine >= 2000) {
          lastLine = performance.now();
          ctx.io.err(`wrapped ${wrapped}, skipped ${skipped} of ${total} (${speed} hashes/s)`);
        }
      },
    })
    .finally(() => bar?.stop());
  const seconds = (performance.now() - started) / 1000;
  return {
    ...outcome,
    seconds: Math.round(seconds * 100) / 100,
    hashesPerSecond: Math.round(((outcome.wrapped + outcome.skipped) / (seconds || 1)) * 10) / 10,
  };
}

export const wrapRows = (s: WrapSummary): [string, string | number][] => [
  ['wrapped', s.wrapped],
  ['skipped (changed meanwhile or busy: run again)', s.skipped],
  ['weak hashes remaining', s.remaining],
  ['time', `${s.seconds} s (${s.hashesPerSecond} hashes/s)`],
];

/** `renueva hashes wrap`: weak legacy hashes (md5, sha1, sha256, clear text) wrapped at rest. */
export async function hashesWrap(
  ctx: CommandContext,
  options: { rate: number; batch: number; json: boolean },
): Promise<void> {
  const summary = await withRenueva(ctx, (renueva) => runWrap(ctx, renueva, options));
  print(ctx.io, options.json, summary, () =>
    ['Weak legacy hashes wrapped with argon2id (ADR 0009)', table(wrapRows(summary))].join('\n'),
  );
}

/** One group of `renueva hashes costs`: the accounts whose legacy hash has this scheme and work factor. */
export interface SchemeCost {
  scheme: string;
  accounts: number;
  /** What a sign-in's password check took here (median of 3; the dummy argon2id included where it pays one). */
  checkMs: number;
}

const median3 = async (check: () => Promise<unknown>): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await check();
    times.push(performance.now() - started);
  }
  return Math.round(times.sort((a, b) => a - b)[1] as number);
};

/**
 * `renueva hashes costs`: the legacy hashes of accounts not yet renewed, grouped by scheme
 * and work factor, each with what its check costs on this machine, against the sign-in
 * floor (ADR 0014): a check slower than the floor answers later than an unknown
 * identifier, and so tells that the username exists.
 */
export async function hashesCosts(
  ctx: CommandContext,
  options: { batch: number; json: boolean },
): Promise<void> {
  const report = await withRenueva(ctx, async (r) => {
    const groups = new Map<string, { accounts: number; sample: string }>();
    for (let after: string | null = null; ; ) {
      const page = await r.accounts.findLegacyHashes(options.batch, after);
      if (page.length === 0) break;
      for (const { hash } of page) {
        const scheme = describeLegacyHash(hash);
        const group = groups.get(scheme);
        if (group) group.accounts++;
        else groups.set(scheme, { accounts: 1, sample: hash });
      }
      after = page.at(-1)?.accountId ?? null;
    }
    // a wrong password, as an attacker's probe would send
    const wrong = randomBytes(12).toString('base64');
    const unknownIdentifierMs = await median3(() => r.hasher.verify(r.hasher.dummyHash, wrong));
    const schemes: SchemeCost[] = [];
    for (const [scheme, { accounts, sample }] of groups) {
      const checkMs = await median3(async () => {
        await r.legacy.verify(sample, wrong);
        // the sign-in pays the dummy argon2id beside a scheme checked at once
        if (r.legacy.checkedAtOnce(sample)) await r.hasher.verify(r.hasher.dummyHash, wrong);
      });
      schemes.push({ scheme, accounts, checkMs });
    }
    schemes.sort((a, b) => b.checkMs - a.checkMs || b.accounts - a.accounts);
    const floorMs = r.policies.signInFloorMs;
    const slowestMs = Math.max(unknownIdentifierMs, ...schemes.map((s) => s.checkMs));
    // a quarter to spare: a check takes longer on a busier machine
    const neededMs = Math.ceil((slowestMs * 1.25) / 50) * 50;
    return {
      floorMs,
      unknownIdentifierMs,
      schemes,
      slowestMs,
      floorCoversAll: floorMs >= neededMs,
      recommendedFloorMs: floorMs >= neededMs ? null : neededMs,
    };
  });
  print(ctx.io, options.json, report, () => {
    const rows: [string, string, string, string][] = [
      ['scheme', 'accounts', 'check', ''],
      ...report.schemes.map((s): [string, string, string, string] => [
        s.scheme,
        String(s.accounts),
        `${s.checkMs} ms`,
        s.checkMs > report.floorMs ? 'slower than the floor' : '',
      ]),
      ['unknown identifier (argon2id)', '—', `${report.unknownIdentifierMs} ms`, ''],
    ];
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
    const over = report.schemes.filter((s) => s.checkMs > report.floorMs);
    const verdict = report.floorCoversAll
      ? `Every check fits under the floor with a quarter to spare: a sign-in answers in the same time whatever the identifier.`
      : over.length > 0
        ? `${over.reduce((n, s) => n + s.accounts, 0)} accounts take longer to check than the floor: their sign-ins answer later than an unknown identifier's, which tells that those usernames exist. Raise POLICY_SIGN_IN_FLOOR_MS to at least ${report.recommendedFloorMs}, or have those customers renew first.`
        : `The slowest check (${report.slowestMs} ms) is within the floor but has less than a quarter to spare: a busier machine may cross it. Raise POLICY_SIGN_IN_FLOOR_MS to at least ${report.recommendedFloorMs}.`;
    return [
      'Legacy hashes of accounts not yet renewed, by scheme; what one sign-in check takes here (median of 3):',
      ...rows.map(([scheme, accounts, check, note]) =>
        `  ${scheme.padEnd(widths[0] as number)}  ${accounts.padStart(widths[1] as number)}  ${check.padStart(widths[2] as number)}  ${note}`.trimEnd(),
      ),
      `Sign-in floor (POLICY_SIGN_IN_FLOOR_MS): ${report.floorMs} ms`,
      verdict,
    ].join('\n');
  });
}
