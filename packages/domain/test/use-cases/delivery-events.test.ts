import { describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '../../src/index.js';
import { ctx, DIEGO, errorOf, NEW_PASSWORD, setup } from './setup.js';

const T = new Date('2026-03-02T15:00:00.000Z');
const event = (
  kind: DeliveryEvent['kind'],
  email = DIEGO.email,
  id = `${kind}-${email}`,
): DeliveryEvent => ({ id, kind, email, providerMessageId: 'pm-1', detail: kind, at: T });

describe('bounces and complaints', () => {
  it('a hard bounce stops the next renewal code: the customer is sent to support', async () => {
    const { uc, ports } = await setup();
    expect(await uc.recordDeliveryEvent(event('hard_bounce', DIEGO.email.toUpperCase()))).toBe(
      'marked_undeliverable',
    );
    const r = await uc.logIn({
      identifier: DIEGO.username,
      password: DIEGO.password,
      context: ctx,
    });
    expect(errorOf(r)).toEqual({ code: 'no_deliverable_email' });
    expect(ports.outbox.messages()).toEqual([]);
    // a wrong legacy password still reads as any wrong password
    const wrong = await uc.logIn({ identifier: DIEGO.username, password: 'x', context: ctx });
    expect(errorOf(wrong)).toEqual({ code: 'invalid_credentials' });
  });

  it('a complaint stops recovery codes, and the answer does not change', async () => {
    const { uc, ports, migrate } = await setup();
    await migrate();
    const before = ports.outbox.messages().length;
    expect(await uc.recordDeliveryEvent(event('spam_complaint'))).toBe('marked_undeliverable');
    for (const identifier of [DIEGO.email, DIEGO.username, 'flotilla01', 'nadie@x.mx']) {
      const r = await uc.requestRecovery({ identifier, context: ctx });
      expect(r.unwrap().flowToken).toEqual(expect.any(String));
    }
    // flotilla01's address is deliverable: only its code went out
    expect(
      ports.outbox
        .messages()
        .slice(before)
        .map((m) => m.email.to),
    ).toEqual(['admin@flotillas.mx']);
    // the password still signs in: no code is needed for that
    const signedIn = await uc.logIn({
      identifier: DIEGO.email,
      password: NEW_PASSWORD,
      context: ctx,
    });
    expect(signedIn.unwrap().kind).toBe('signed_in');
  });

  it('soft bounces are counted, not acted on; repeated events change nothing', async () => {
    const { uc, startRenewal } = await setup();
    expect(await uc.recordDeliveryEvent(event('soft_bounce'))).toBe('counted');
    expect(await uc.recordDeliveryEvent(event('soft_bounce'))).toBe('repeated');
    await startRenewal();
    expect(await uc.recordDeliveryEvent(event('hard_bounce', 'admin@flotillas.mx'))).toBe(
      'marked_undeliverable',
    );
    expect(await uc.recordDeliveryEvent(event('hard_bounce', 'admin@flotillas.mx'))).toBe(
      'repeated',
    );
    expect((await uc.migrationStats()).delivery).toEqual({
      hard_bounce: 1,
      soft_bounce: 1,
      spam_complaint: 0,
      undeliverable: 1,
    });
  });

  it('support sees the mark, and setting the email again clears it', async () => {
    const { uc, startRenewal } = await setup();
    await uc.recordDeliveryEvent(event('hard_bounce'));
    const found = (await uc.findAccount({ key: DIEGO.customerNumber })).unwrap();
    expect(found.undeliverable).toEqual([
      { email: DIEGO.email, kind: 'hard_bounce', detail: 'hard_bounce', at: T },
    ]);
    (
      await uc.setRegisteredEmail({
        customerNumber: DIEGO.customerNumber,
        email: DIEGO.email,
        actor: 'cli:soporte',
      })
    ).unwrap();
    expect((await uc.findAccount({ key: DIEGO.username })).unwrap().undeliverable).toEqual([]);
    expect((await uc.migrationStats()).delivery.undeliverable).toBe(0);
    expect((await startRenewal()).emailed).toBe(true);
  });

  it("support clears a mark on a renewed login's email by setting that same email, audited", async () => {
    const { uc, ports, migrate } = await setup();
    await migrate();
    await uc.recordDeliveryEvent(event('spam_complaint'));
    const before = ports.outbox.messages().length;
    await uc.requestRecovery({ identifier: DIEGO.email, context: ctx });
    expect(ports.outbox.messages().length).toBe(before); // no code to a complained address
    const set = await uc.setRegisteredEmail({
      customerNumber: DIEGO.customerNumber,
      email: DIEGO.email.toUpperCase(),
      actor: 'cli:soporte',
    });
    expect(set.unwrap().status).toBe('migrated');
    expect(ports.audit.entries().at(-1)).toMatchObject({
      action: 'email_set',
      detail: { actor: 'cli:soporte', vouched: true },
    });
    expect((await uc.findAccount({ key: DIEGO.email })).unwrap().undeliverable).toEqual([]);
    await uc.requestRecovery({ identifier: DIEGO.email, context: ctx });
    expect(ports.outbox.messages().at(-1)).toMatchObject({ template: 'recovery_code' });
  });
});
