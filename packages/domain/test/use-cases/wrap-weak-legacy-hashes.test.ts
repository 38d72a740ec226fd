import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AccountRepository, wrapWeakLegacyHashes } from '../../src/index.js';
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
});
