import { auditEntry, NO_REQUEST } from '../account.js';
import type { Ports } from './deps.js';

/** What a wrap run did: `remaining` is counted after it, so 0 means none is left. */
export interface WrapOutcome {
  wrapped: number;
  /** Changed meanwhile (a renewal, an import) or the hasher was busy: left for the next run. */
  skipped: number;
  remaining: number;
}

/**
 * Rewrites the weak legacy hashes of accounts not yet renewed as wrapped hashes that
 * verify the same passwords (ADR 0009). Resumable: only weak hashes are picked, so an
 * interrupted run simply starts again where it left off. Safe beside the live portal:
 * a hash is replaced only if it is still the one read, and the version bump makes any
 * writer holding the old value conflict and read again. `pace` is awaited before each
 * hash (the caller's rate bound); `concurrency` hashes run at once (default 1). Each
 * run appends one audit entry with its counts.
 */
export const wrapWeakLegacyHashes =
  (ports: Pick<Ports, 'accounts' | 'legacy' | 'clock' | 'audit'>) =>
  async (
    input: {
      batchSize?: number;
      concurrency?: number;
      pace?: () => Promise<void>;
      onStart?: (total: number) => void;
      onProgress?: (done: Omit<WrapOutcome, 'remaining'>) => void;
      /** Who ran it, for the one audit entry that sums the run up (e.g. `cli:ana`). */
      actor?: string;
    } = {},
  ): Promise<WrapOutcome> => {
    const batchSize = Math.max(1, input.batchSize ?? 100);
    const counts = { wrapped: 0, skipped: 0 };
    input.onStart?.(await ports.accounts.countWeakLegacyHashes());
    let after: string | null = null;
    for (;;) {
      const batch = await ports.accounts.findWeakLegacyHashes(batchSize, after);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]?.accountId ?? null;
      const queue = [...batch];
      const worker = async () => {
        for (let row = queue.shift(); row; row = queue.shift()) {
          await input.pace?.();
          const wrapped = await ports.legacy.wrap(row.hash);
          const replaced =
            wrapped.isOk() &&
            wrapped.value !== null &&
            (await ports.accounts.replaceLegacyHash(
              row.accountId,
              row.hash,
              wrapped.value,
              ports.clock.now(),
            ));
          counts[replaced ? 'wrapped' : 'skipped']++;
          input.onProgress?.({ ...counts });
        }
      };
      await Promise.all(
        Array.from({ length: Math.max(1, input.concurrency ?? 1) }, () => worker()),
      );
    }
    const outcome = { ...counts, remaining: await ports.accounts.countWeakLegacyHashes() };
    await ports.audit.append([
      auditEntry('legacy_hashes_wrapped', null, ports.clock.now(), NO_REQUEST, {
        actor: input.actor ?? null,
        ...outcome,
      }),
    ]);
    return outcome;
  };
