import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRenueva, demoAccounts } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'renueva-container-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { ip: '127.0.0.1', userAgent: 'test' };

describe('createRenueva (composition root)', () => {
  it('wires PGlite, real crypto and the console mailer; seeds the demo accounts once; the seed flow works', async () => {
    const env = { DATA_DIR: dir, LOG_LEVEL: 'silent' as const };
    const renueva = await createRenueva(env, {}, { seedDemoAccounts: true });
    try {
      expect(renueva.config.store).toEqual({ kind: 'pglite', dataDir: dir });
      expect(await renueva.isReady()).toBe(true);
      expect(renueva.mailbox).not.toBeNull();
      expect(readFileSync(join(dir, 'secret'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
      const counts = await renueva.accounts.countByStatus();
      expect(counts.legacy).toBe(demoAccounts.length);
      // what serve prints: the credentials it seeded
      expect(renueva.demoAccounts).toEqual(demoAccounts);

      const diego = demoAccounts[0];
      if (!diego) throw new Error('no demo account');
      const { useCases: uc } = renueva;
      const started = (
        await uc.logIn({ identifier: diego.username, password: diego.password, context: ctx })
      ).unwrap();
      expect(started).toMatchObject({
        kind: 'renewal_started',
        maskedEmail: 'diego.barron.***@oxxog**.c**',
      });
      if (started.kind !== 'renewal_started') return;
      const silent = { write: () => undefined };
      const stdout = process.stdout.write;
      process.stdout.write = silent.write as never;
      try {
        expect(await uc.deliverPendingEmails({ limit: 10 })).toMatchObject({ sent: 1 });
      } finally {
        process.stdout.write = stdout;
      }
      const code = /\b(\d{6})\b/.exec(
        renueva.mailbox?.latest(diego.email)?.text ?? '',
      )?.[1] as string;
      const done = await uc.completeRenewal({
        flowToken: started.flowToken,
        code,
        newPassword: 'tortuga violeta bajo el puente',
        confirmation: 'tortuga violeta bajo el puente',
        context: ctx,
      });
      expect(done.unwrap()).toEqual({
        loginEmail: diego.email,
        customerNumbers: [diego.customerNumber],
        migrated: true,
        passwordChanged: false,
      });
      const signedIn = (
        await uc.logIn({
          identifier: diego.email,
          password: 'tortuga violeta bajo el puente',
          context: ctx,
        })
      ).unwrap();
      expect(signedIn.kind).toBe('signed_in');
    } finally {
      await renueva.close();
    }
    // a restart keeps the data and the secret, and does not seed again
    const again = await createRenueva(env, {}, { seedDemoAccounts: true });
    // nothing seeded this time, so nothing for serve to print
    expect(again.demoAccounts).toEqual([]);
    expect(await again.accounts.countByStatus()).toMatchObject({
      legacy: demoAccounts.length - 1,
      migrated: 1,
    });
    await again.close();
  }, 60_000);

  it('builds a memory store and names a bad variable', async () => {
    const renueva = await createRenueva({
      STORE: 'memory',
      LOG_LEVEL: 'silent',
      DEMO_ACCOUNTS: 'false',
    });
    expect(await renueva.accounts.countByStatus()).toEqual({
      legacy: 0,
      pending_renewal: 0,
      migrated: 0,
      logins: 0,
    });
    await renueva.close();
    await expect(createRenueva({ PORT: 'x' })).rejects.toThrow(/^PORT: /);
  });
});
