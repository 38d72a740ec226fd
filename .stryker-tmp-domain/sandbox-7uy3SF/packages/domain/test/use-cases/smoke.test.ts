import { describe, expect, it } from 'vitest';
import { createUseCases } from '../../src/index.js';
import { createMemoryPorts, lastCodeFor, seedLegacyAccounts } from '../../testing/index.js';

const ctx = { ip: '127.0.0.1', userAgent: 'test' };

describe('the seed flow on memory ports', () => {
  it('legacy sign-in -> code -> renewal -> sign in with the email', async () => {
    const ports = createMemoryPorts();
    await seedLegacyAccounts(ports, [
      {
        username: 'dbarronrmz1',
        password: 'Gasolina2019',
        customerNumber: '2242455',
        email: 'Diego.Barron.Rmz@oxxogas.com',
      },
    ]);
    const uc = createUseCases(ports);
    const started = await uc.logIn({
      identifier: 'DBARRONRMZ1',
      password: 'Gasolina2019',
      context: ctx,
    });
    expect(started.isOk() && started.value.kind).toBe('renewal_started');
    if (!started.isOk() || started.value.kind !== 'renewal_started') return;
    expect(started.value.maskedEmail).toBe('diego.barron.***@oxxog**.c**');
    const code = lastCodeFor(ports.outbox, 'diego.barron.rmz@oxxogas.com');
    expect(code).toMatch(/^\d{6}$/);
    const done = await uc.completeRenewal({
      flowToken: started.value.flowToken,
      code: code as string,
      newPassword: 'una frase bastante larga',
      confirmation: 'una frase bastante larga',
      context: ctx,
    });
    expect(done.isOk() && done.value).toEqual({
      loginEmail: 'diego.barron.rmz@oxxogas.com',
      customerNumbers: ['2242455'],
      migrated: true,
      passwordChanged: false,
    });
    const signedIn = await uc.logIn({
      identifier: 'diego.barron.rmz@oxxogas.com',
      password: 'una frase bastante larga',
      context: ctx,
    });
    expect(signedIn.isOk() && signedIn.value.kind).toBe('signed_in');
    const hint = await uc.logIn({
      identifier: 'dbarronrmz1',
      password: 'una frase bastante larga',
      context: ctx,
    });
    expect(hint.isOk() && hint.value).toEqual({
      kind: 'login_is_email',
      maskedEmail: 'diego.barron.***@oxxog**.c**',
    });
    const report = await uc.deliverPendingEmails({ limit: 10 });
    expect(report).toEqual({ sent: 2, retried: 0, dead: 0 });
    expect(ports.mailer.sent.map((m) => m.template)).toEqual(['renewal_code', 'renewal_completed']);
  });
});
