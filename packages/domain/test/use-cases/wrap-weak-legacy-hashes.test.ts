import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { type AccountRepository, Err, Ok, wrapWeakLegacyHashes } from '../../src/index.js';
import { ctx, DIEGO, setup } from './setup.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The store, with `race` run once between reading the first batch and wrapping it. */
function racing(accounts: AccountRepository, race: (accountId: string) => Promise<void>) {
  let raced = false;
  return {
    findWeakLegacyHashes: async (limit: number, afterId: string | null) => {
      const batch = await accounts.findWeakLegacyHashes(limit, afterId);
      if (!raced && batch[0]) {
        raced = true;
        await race(batch[0].accountId);
      }
      return batch;
    },
    replaceLegacyHash: accounts.replaceLegacyHash.bind(accounts),
    countWeakLegacyHashes: accounts.countWeakLegacyHashes.bind(accounts),
  } as unknown as AccountRepository;
}

describe('wrapWeakLegacyHashes', () => {
  it('wraps every weak hash in batches; the passwords still sign in; a second run finds none', async () => {
    const { ports, uc } = await setup();
    const before = await ports.accounts.countWeakLegacyHashes();
    expect(before).toBeGreaterThan(2);
    let started = 0;
    const outcome = await uc.wrapWeakLegacyHashes({
      batchSize: 2,
      onStart: (total) => {
        started = total;
      },
    });
    expect(started).toBe(before);
    expect(outcome).toEqual({ wrapped: before, skipped: 0, remaining: 0 });
    const diego = await ports.accounts.findByLegacyUsername(DIEGO.username);
    expect(diego?.status === 'legacy' && diego.legacyPasswordHash).toMatch(/^wrapped-fake:/);
    const signedIn = await uc.logIn({
      identifier: DIEGO.username,
      password: DIEGO.password,
      context: ctx,
    });
    expect(signedIn.isOk() && signedIn.value.kind).toBe('renewal_started');
    expect(await uc.wrapWeakLegacyHashes({ actor: 'cli:ana' })).toEqual({
      wrapped: 0,
      skipped: 0,
      remaining: 0,
    });
    // one summary entry per run, with its counts: no per-account noise
    const runs = ports.audit.entries().filter((e) => e.action === 'legacy_hashes_wrapped');
    expect(runs.map((e) => e.detail)).toEqual([
      { actor: null, wrapped: before, skipped: 0, remaining: 0 },
      { actor: 'cli:ana', wrapped: 0, skipped: 0, remaining: 0 },
    ]);
  });

  it('is resumable: an interrupted run leaves consistent rows, the next one wraps the rest', async () => {
    const { ports, uc } = await setup();
    const before = await ports.accounts.countWeakLegacyHashes();
    let paced = 0;
    const interrupted = uc.wrapWeakLegacyHashes({
      batchSize: 2,
      pace: async () => {
        if (++paced > 2) throw new Error('interrupted');
      },
    });
    await expect(interrupted).rejects.toThrow('interrupted');
    expect(await ports.accounts.countWeakLegacyHashes()).toBe(before - 2);
    expect(await uc.wrapWeakLegacyHashes()).toEqual({
      wrapped: before - 2,
      skipped: 0,
      remaining: 0,
    });
  });

  it('never overwrites a hash changed meanwhile (a re-import): it is skipped and left for the next run', async () => {
    const { ports } = await setup();
    const before = await ports.accounts.countWeakLegacyHashes();
    let changedId = '';
    const accounts = racing(ports.accounts, async (accountId) => {
      changedId = accountId;
      const a = await ports.accounts.findById(accountId);
      if (!a || a.status === 'migrated') throw new Error('not legacy');
      async function* rows() {
        yield {
          line: 2,
          customerNumber: a?.customerNumber ?? '',
          username: a?.legacyUsername ?? '',
          email: a?.registeredEmail ?? null,
          emailValid: true,
          passwordHash: `sha256:${sha256('nueva-del-portal')}`,
        };
      }
      await ports.accounts.importLegacy(rows(), { dryRun: false, now: ports.clock.now() });
    });
    const outcome = await wrapWeakLegacyHashes({ ...ports, accounts })({ batchSize: 3 });
    expect(outcome).toEqual({ wrapped: before - 1, skipped: 1, remaining: 1 });
    const changed = await ports.accounts.findById(changedId);
    expect(changed?.status === 'legacy' && changed.legacyPasswordHash).toBe(
      `sha256:${sha256('nueva-del-portal')}`,
    );
  });

  it('reports progress after each hash, reads batches of the size asked (at least 1)', async () => {
    const { ports, uc } = await setup();
    const before = await ports.accounts.countWeakLegacyHashes();
    const progress: unknown[] = [];
    const find = vi.spyOn(ports.accounts, 'findWeakLegacyHashes');
    await uc.wrapWeakLegacyHashes({ batchSize: 2, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual(
      Array.from({ length: before }, (_, i) => ({ wrapped: i + 1, skipped: 0 })),
    );
    expect(find.mock.calls.map(([limit]) => limit)).toEqual(
      Array.from({ length: Math.ceil(before / 2) + 1 }, () => 2),
    );
    find.mockClear();
    await uc.wrapWeakLegacyHashes({ batchSize: 0 });
    expect(find.mock.calls.map(([limit]) => limit)).toEqual([1]);
  });

  it('skips, and leaves as they are, the hashes the hasher was busy for or had nothing to wrap', async () => {
    const { ports, uc } = await setup();
    const before = await ports.accounts.countWeakLegacyHashes();
    const [busy, none] = await ports.accounts.findWeakLegacyHashes(2, null);
    if (!busy || !none) throw new Error('expected two weak hashes');
    vi.spyOn(ports.legacy, 'wrap')
      .mockResolvedValueOnce(Err({ code: 'busy', retryAfterSeconds: 1 }))
      .mockResolvedValueOnce(Ok(null));
    expect(await uc.wrapWeakLegacyHashes()).toEqual({
      wrapped: before - 2,
      skipped: 2,
      remaining: 2,
    });
    expect(await ports.accounts.findWeakLegacyHashes(10, null)).toEqual([busy, none]);
  });

  it('runs as many hashes at once as the concurrency asked', async () => {
    const { ports, uc } = await setup();
    const before = await ports.accounts.countWeakLegacyHashes();
    let running = 0;
    let most = 0;
    const wrap = ports.legacy.wrap.bind(ports.legacy);
    vi.spyOn(ports.legacy, 'wrap').mockImplementation(async (hash) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return wrap(hash);
    });
    expect(await uc.wrapWeakLegacyHashes({ concurrency: 3 })).toMatchObject({ wrapped: before });
    expect(most).toBe(3);
  });
});
