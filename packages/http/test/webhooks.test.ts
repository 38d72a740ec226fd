import { PostmarkMailer } from '@renueva/adapters';
import { startPostmarkStub } from '@renueva/adapters/testing';
import { createUseCases } from '@renueva/domain';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DIEGO, testApp } from './setup.js';

/**
 * Postmark's documented example of a Bounce webhook (its webhook reference), as the
 * text it posts: its `ID` does not fit a JavaScript number, which must not matter.
 */
const BOUNCE_JSON = `{
  "RecordType": "Bounce",
  "MessageStream": "outbound",
  "ID": 4323372036854775807,
  "Type": "HardBounce",
  "TypeCode": 1,
  "Name": "Hard bounce",
  "Tag": "Test",
  "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
  "Metadata": { "a_key": "a_value", "b_key": "b_value" },
  "ServerID": 23,
  "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
  "Details": "Test bounce details",
  "Email": "john@example.com",
  "From": "sender@example.com",
  "BouncedAt": "2019-11-05T16:33:54.9070259Z",
  "DumpAvailable": true,
  "Inactive": true,
  "CanActivate": true,
  "Subject": "Test subject",
  "Content": "<Full dump of bounce>"
}`;
const BOUNCE = JSON.parse(BOUNCE_JSON) as Record<string, unknown>;

/** Postmark's documented example of a SpamComplaint webhook. */
const SPAM_COMPLAINT = {
  RecordType: 'SpamComplaint',
  MessageStream: 'outbound',
  ID: 42,
  Type: 'SpamComplaint',
  TypeCode: 512,
  Name: 'Spam complaint',
  Tag: 'Test',
  MessageID: '00000000-0000-0000-0000-000000000000',
  Metadata: { a_key: 'a_value', b_key: 'b_value' },
  ServerID: 1234,
  Description: '',
  Details: 'Test spam complaint details',
  Email: 'john@example.com',
  From: 'sender@example.com',
  BouncedAt: '2019-11-05T16:33:54.9070259Z',
  DumpAvailable: true,
  Inactive: true,
  CanActivate: false,
  Subject: 'Test subject',
  Content: '<Abuse report dump>',
};

const CREDENTIALS = {
  basicAuth: { username: 'postmark', password: 'un secreto largo del webhook' },
  token: 'otro-secreto-para-el-encabezado',
};
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const AUTH = { authorization: basic('postmark', 'un secreto largo del webhook') };

async function webhookApp() {
  const t = await testApp({ postmarkWebhook: CREDENTIALS });
  const hook = (body: unknown, headers: Record<string, string> = AUTH) =>
    t.app.request('/webhooks/postmark', {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  return { ...t, hook };
}

describe('POST /webhooks/postmark', () => {
  it('answers 404 when no credentials are configured, whatever is sent', async () => {
    const t = await testApp();
    const res = await t.app.request('/webhooks/postmark', {
      method: 'POST',
      body: JSON.stringify(BOUNCE),
      headers: { 'content-type': 'application/json', ...AUTH },
    });
    expect(res.status).toBe(404);
    expect((await t.ports.deliveryEvents.counts()).hard_bounce).toBe(0);
  });

  it('accepts basic auth (as in the URL) or the secret header; anything else is 401', async () => {
    const { hook, ports } = await webhookApp();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic('postmark', 'wrong') },
      { authorization: basic('other', CREDENTIALS.basicAuth.password) },
      { authorization: 'Bearer otro-secreto-para-el-encabezado' },
      { authorization: 'Basic !!!' },
      { 'x-webhook-token': 'otro-secreto' },
    ];
    for (const headers of attempts) {
      const res = await hook(BOUNCE, headers);
      expect(res.status).toBe(401);
    }
    expect((await ports.deliveryEvents.counts()).hard_bounce).toBe(0);
    expect((await hook(BOUNCE)).status).toBe(200);
    expect((await hook(SPAM_COMPLAINT, { 'x-webhook-token': CREDENTIALS.token })).status).toBe(200);
    const only = await testApp({ postmarkWebhook: { basicAuth: null, token: 'solo-token' } });
    const res = await only.app.request('/webhooks/postmark', {
      method: 'POST',
      body: '{}',
      headers: { authorization: basic('', 'solo-token'), 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });

  it('takes the documented Bounce and SpamComplaint examples; a repeat changes nothing', async () => {
    const { hook, ports } = await webhookApp();
    expect(await (await hook(BOUNCE_JSON)).json()).toEqual({ outcome: 'marked_undeliverable' });
    expect(await (await hook(BOUNCE_JSON)).json()).toEqual({ outcome: 'repeated' });
    expect(await (await hook(SPAM_COMPLAINT)).json()).toEqual({
      outcome: 'marked_undeliverable',
    });
    expect(await ports.deliveryEvents.undeliverable('JOHN@example.com')).toEqual({
      email: 'john@example.com',
      kind: 'hard_bounce',
      detail: 'HardBounce',
      at: new Date('2019-11-05T16:33:54.907Z'),
    });
    expect(await ports.deliveryEvents.counts()).toEqual({
      hard_bounce: 1,
      soft_bounce: 0,
      spam_complaint: 1,
      undeliverable: 1,
    });
  });

  it('counts soft bounces without acting on them; ignores other records and bad addresses', async () => {
    const { hook, ports } = await webhookApp();
    const soft = { ...BOUNCE, Type: 'SoftBounce', TypeCode: 4096, Inactive: false };
    expect(await (await hook(soft)).json()).toEqual({ outcome: 'counted' });
    const transient = { ...soft, Type: 'Transient', TypeCode: 2, MessageID: 'other' };
    expect(await (await hook(transient)).json()).toEqual({ outcome: 'counted' });
    // a soft type that made Postmark deactivate the address is as good as hard
    const inactive = { ...soft, Type: 'DnsError', TypeCode: 256, Inactive: true };
    expect(await (await hook(inactive)).json()).toEqual({ outcome: 'marked_undeliverable' });
    for (const ignored of [
      { RecordType: 'Delivery', MessageID: 'x', Recipient: 'john@example.com' },
      { RecordType: 'Open', Recipient: 'john@example.com' },
      { ...BOUNCE, Email: 'not an email' },
      { ...BOUNCE, RecordType: undefined },
      {},
      [],
      42,
      null,
    ])
      expect(await (await hook(ignored)).json()).toEqual({ outcome: 'ignored' });
    expect((await hook('{not json')).status).toBe(400);
    expect(await ports.deliveryEvents.counts()).toEqual({
      hard_bounce: 1,
      soft_bounce: 2,
      spam_complaint: 0,
      undeliverable: 1,
    });
  });

  it('a bounced registered email sends the next sign-in to support; recovery answers as ever', async () => {
    const t = await webhookApp();
    const { hook, post, api, ports } = t;
    (await hook({ ...BOUNCE, Email: DIEGO.email })).status;
    const page = await post('/iniciar-sesion', {
      identificador: DIEGO.username,
      contrasena: DIEGO.password,
    });
    const html = await page.text();
    expect(html).toContain('Comunícate con soporte');
    expect(html).not.toContain('Enviamos un código');
    const json = await api('/sessions', { identifier: DIEGO.username, password: DIEGO.password });
    expect(json.status).toBe(422);
    expect(await json.json()).toMatchObject({ error: { code: 'no_deliverable_email' } });
    const asked = await api('/recovery', { identifier: DIEGO.username });
    const unknown = await api('/recovery', { identifier: 'nadie.existe' });
    expect(asked.status).toBe(unknown.status);
    const keys = async (r: Response) => Object.keys((await r.json()) as object);
    expect(await keys(asked)).toEqual(await keys(unknown));
    expect(ports.outbox.messages()).toEqual([]);
  });

  it('never answers 5xx, whatever arrives (fuzz)', async () => {
    const { app, ports, errors } = await webhookApp();
    const field = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const payload = fc.oneof(
      fc
        .record(
          {
            RecordType: fc.constantFrom('Bounce', 'SpamComplaint', 'Delivery', 'x', 7),
            Type: fc.oneof(fc.constantFrom('HardBounce', 'SoftBounce', 'SpamComplaint'), field),
            Email: fc.oneof(fc.constantFrom(DIEGO.email, 'a@b.mx'), field),
            MessageID: fc.oneof(field, fc.constant('m'.repeat(100_000))),
            BouncedAt: fc.oneof(
              fc.constantFrom('2019-11-05T16:33:54.9070259Z', 'ayer', '+100000-01-01T00:00:00Z'),
              fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
              field,
            ),
            Inactive: field,
            ID: fc.oneof(fc.integer(), fc.double(), field),
          },
          { requiredKeys: [] },
        )
        .map((p) => JSON.stringify(p)),
      fc.json(),
      fc.string({ maxLength: 300 }),
      fc.constantFrom('', 'x'.repeat(2_000_000)),
    );
    const headers = fc.constantFrom<Record<string, string>>(
      AUTH,
      { 'x-webhook-token': CREDENTIALS.token },
      {},
      { authorization: 'Basic' },
    );
    const contentType = fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    );
    await fc.assert(
      fc.asyncProperty(payload, headers, contentType, async (body, h, type) => {
        const res = await app.request('/webhooks/postmark', {
          method: 'POST',
          body,
          headers: { ...h, ...(type ? { 'content-type': type } : {}) },
        });
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      }),
      { numRuns: 150 },
    );
    expect(errors).toEqual([]);
    expect((await ports.deliveryEvents.counts()).undeliverable).toBeLessThanOrEqual(2);
  });
});

describe('the MessageID of a sent email, through the local Postmark stub', () => {
  let stub: Awaited<ReturnType<typeof startPostmarkStub>> | null = null;
  afterEach(async () => stub?.close());

  it('is kept in the outbox, and its bounce posted back marks the address', async () => {
    stub = await startPostmarkStub({ token: 'server-token' });
    const { ports, hook } = await webhookApp();
    const mailer = new PostmarkMailer({
      serverToken: 'server-token',
      from: 'Facturación <facturacion@example.mx>',
      messageStream: 'outbound',
      apiUrl: stub.url,
      timeoutSeconds: 5,
      portalName: 'Portal de Facturación',
      publicUrl: 'http://localhost',
    } as ConstructorParameters<typeof PostmarkMailer>[0]);
    const uc = createUseCases({ ...ports, mailer });
    (
      await uc.logIn({
        identifier: DIEGO.username,
        password: DIEGO.password,
        context: { ip: null, userAgent: null },
      })
    ).unwrap();
    expect(await uc.deliverPendingEmails({ limit: 10 })).toEqual({ sent: 1, retried: 0, dead: 0 });
    const [sent] = await ports.outbox.list({ status: 'sent', limit: 1 });
    expect(sent?.providerId).toBe('stub-1');
    ports.clock.advance(120);
    const res = await hook({ ...BOUNCE, MessageID: sent?.providerId, Email: sent?.to });
    expect(await res.json()).toEqual({ outcome: 'marked_undeliverable' });
    const again = await uc.logIn({
      identifier: DIEGO.username,
      password: DIEGO.password,
      context: { ip: null, userAgent: null },
    });
    expect(again.isErr() && again.error).toEqual({ code: 'no_deliverable_email' });
  });
});
