import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Renueva } from '@renueva/adapters';
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
