import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUseCases, type EmailMessage } from '@renueva/domain';
import { createMemoryPorts, seedLegacyAccounts } from '@renueva/domain/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConsoleMailer,
  DevMailbox,
  PostmarkMailer,
  renderEmail,
  startDispatcher,
} from '../src/index.js';
import { startPostmarkStub } from '../src/testing/index.js';

const options = {
  portalName: 'Portal de Facturación',
  publicUrl: 'https://facturacion.example.mx',
};
const EXAMPLE_SUPPORT = {
  email: 'soporte@facturacion.example.mx',
  phone: '55 1234 5678',
  hours: 'lunes a viernes de 9:00 a 18:00 h',
};
const requestedAt = new Date('2026-03-02T16:00:00.000Z'); // 10:00 in Mexico City

const messages: Record<EmailMessage['template'], EmailMessage> = {
  renewal_code: {
    template: 'renewal_code',
    to: 'diego.barron.rmz@oxxogas.com',
    locale: 'es-MX',
    data: {
      customerNumbers: ['2242455'],
      expiresAt: new Date(requestedAt.getTime() + 600_000),
      requestedAt,
      requestIp: '203.0.113.7',
    },
    secret: { code: '048213' },
  },
  renewal_completed: {
    template: 'renewal_completed',
    to: 'diego.barron.rmz@oxxogas.com',
    locale: 'es-MX',
    data: {
      customerNumbers: ['2242455'],
      loginEmail: 'diego.barron.rmz@oxxogas.com',
      requestedAt,
      requestIp: null,
    },
  },
  recovery_code: {
    template: 'recovery_code',
    to: 'diego.barron.rmz@oxxogas.com',
    locale: 'es-MX',
    data: {
      customerNumbers: ['2242455'],
      expiresAt: new Date(requestedAt.getTime() + 600_000),
      requestedAt,
      requestIp: null,
    },
    secret: { code: '700001' },
  },
  password_changed: {
    template: 'password_changed',
    to: 'diego.barron.rmz@oxxogas.com',
    locale: 'es-MX',
    data: { customerNumbers: ['2242455'], requestedAt, requestIp: '203.0.113.7' },
  },
};

describe('email templates', () => {
  it('renders the renewal code email as the customer guide shows it', () => {
    const { subject, text, html } = renderEmail(messages.renewal_code, options);
    expect(subject).toBe('Tu código de renovación del Portal de Facturación');
    for (const part of [
      'Bienvenido(a) al nuevo Portal de Facturación',
      'Es muy importante para nosotros brindarte el mejor servicio, es por eso que hemos renovado nuestro Portal de Facturación.',
      '048213',
      'Número de cliente: 2242455',
      'El código vence el 2 de marzo de 2026 a las 10:10',
      'desde la dirección IP 203.0.113.7',
      '¿No fuiste tú?',
    ]) {
      expect(text).toContain(part);
      expect(html).toContain(part);
    }
  });

  it('puts the expiry line right under the code in both code emails', () => {
    const EXPIRY =
      /^El código vence el 2 de marzo de 2026 a las 10:10.*\(hora del centro de México\)\.$/;
    for (const message of [messages.renewal_code, messages.recovery_code]) {
      const code = message.secret?.code as string;
      const { text, html } = renderEmail(message, options);
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      const at = lines.findIndex((l) => l.trim() === code);
      expect(lines[at + 1], message.template).toMatch(EXPIRY);
      const after = html.slice(html.indexOf(`>${code}</p>`) + 5);
      expect(/<p[^>]*>([^<]*)<\/p>/.exec(after)?.[1], message.template).toMatch(EXPIRY);
    }
  });

  it('links the portal from PUBLIC_URL, names support and carries the brand', () => {
    const branded = {
      ...options,
      brand: {
        logoUrl: 'https://cdn.example.mx/logo.png',
        primaryColor: '#123456',
        accentColor: '#7c2d12',
        footerText: 'vamos juntos',
      },
      support: {
        email: 'soporte@example.mx',
        phone: '+52 55 1234 5678',
        hours: 'lunes a viernes de 9:00 a 18:00 h',
      },
    };
    for (const message of Object.values(messages)) {
      const { text, html } = renderEmail(message, branded);
      expect(text).toContain(
        'Soporte: escribe a soporte@example.mx o llama al +52 55 1234 5678. Horario de atención: lunes a viernes de 9:00 a 18:00 h.',
      );
      expect(text).toContain('https://facturacion.example.mx');
      expect(text).toContain('vamos juntos');
      expect(html).toContain(
        '<a href="mailto:soporte@example.mx" style="color:#7c2d12">soporte@example.mx</a>',
      );
      expect(html).toContain(
        '<a href="tel:+525512345678" style="color:#7c2d12">+52 55 1234 5678</a>',
      );
      expect(html).toContain(
        '<a href="https://facturacion.example.mx" style="color:#7c2d12">https://facturacion.example.mx</a>',
      );
      expect(html).toContain('background:#123456');
      expect(html).toContain(
        '<img src="https://cdn.example.mx/logo.png" alt="Portal de Facturación"',
      );
    }
    // the renewed customer is sent back to the portal by a link
    expect(renderEmail(messages.renewal_completed, options).html).toContain(
      'Accede de nuevo al portal (<a href="https://facturacion.example.mx" style="color:#c2410c">https://facturacion.example.mx</a>)',
    );
    // no contacts configured: no support line, the portal's name as text
    const plain = renderEmail(messages.renewal_code, options);
    expect(plain.text).not.toContain('Soporte:');
    expect(plain.html).not.toContain('<img');
  });

  it('a renewal that joined a login lists every customer number and says the password changed', () => {
    const joined: EmailMessage = {
      ...messages.renewal_completed,
      data: {
        ...messages.renewal_completed.data,
        customerNumbers: ['1000504', '1000605', '1000706'],
        passwordChanged: true,
      },
    };
    const es = renderEmail(joined, options);
    expect(es.text).toContain('Tu usuario sigue siendo tu correo electrónico');
    expect(es.text).toContain(
      'ahora tienes acceso a 3 números de cliente: 1000504, 1000605 y 1000706.',
    );
    expect(es.text).toContain('reemplaza a la anterior en todos tus números de cliente');
    expect(es.text).toContain('Si no fuiste tú, recupera tu contraseña de inmediato');
    expect(es.text).toContain('Números de cliente: 1000504, 1000605, 1000706');
    const en = renderEmail({ ...joined, locale: 'en' }, options);
    expect(en.text).toContain('This email now opens 3 customer numbers');
  });

  it.each(Object.values(messages))('renders $template in es-MX and en without leaks', (message) => {
    for (const locale of ['es-MX', 'en'] as const) {
      const rendered = renderEmail({ ...message, locale }, options);
      for (const part of [rendered.subject, rendered.text, rendered.html]) {
        expect(part).not.toMatch(/undefined|NaN|\[object|Invalid Date/);
        expect(part.length).toBeGreaterThan(10);
      }
      expect(rendered.text).toContain('2242455');
    }
    const es = renderEmail(message, options);
    if (message.template === 'renewal_completed')
      expect(es.text).toContain(
        'Tu nuevo usuario es tu correo electrónico: diego.barron.rmz@oxxogas.com',
      );
    if (message.template === 'password_changed')
      expect(es.text).toContain('cerramos todas tus sesiones');
    // write previews to look at (docs/emails)
    const dir = join(import.meta.dirname, '..', '..', '..', 'docs', 'emails');
    mkdirSync(dir, { recursive: true });
    const preview = renderEmail(message, { ...options, support: EXAMPLE_SUPPORT });
    writeFileSync(join(dir, `${message.template}.es-MX.html`), preview.html);
  });

  it('escapes every interpolated value', () => {
    const { html } = renderEmail(
      {
        ...messages.renewal_completed,
        data: { ...messages.renewal_completed.data, loginEmail: '<script>x</script>@a.mx' },
      },
      { ...options, portalName: 'A & B "Portal"' },
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('A &amp; B &quot;Portal&quot;');
  });
});

describe('ConsoleMailer and DevMailbox', () => {
  it('prints readably and keeps the last 50, newest first', async () => {
    const printed: string[] = [];
    const mailbox = new DevMailbox();
    const mailer = new ConsoleMailer({ ...options, mailbox, write: (t) => printed.push(t) });
    for (let i = 0; i < 55; i++) await mailer.send({ ...messages.renewal_code, to: `c${i}@x.mx` });
    expect(printed[0]).toContain('Para: c0@x.mx');
    expect(printed[0]).toContain('Asunto: Tu código de renovación');
    expect(mailbox.list()).toHaveLength(50);
    expect(mailbox.list()[0]?.to).toBe('c54@x.mx');
    expect(mailbox.latest('C3@x.mx')).toBeNull();
    expect(mailbox.latest('c10@x.mx')?.text).toContain('048213');
  });
});

describe('PostmarkMailer against a local stub of the Postmark API', () => {
  let stub: Awaited<ReturnType<typeof startPostmarkStub>>;
  afterEach(async () => stub?.close());
  const mailer = (timeoutSeconds = 5) =>
    new PostmarkMailer({
      ...options,
      serverToken: 'server-token',
      from: 'Facturación <facturacion@example.mx>',
      messageStream: 'outbound',
      apiUrl: stub.url,
      timeoutSeconds,
    });

  it('sends From, To, Subject, TextBody, HtmlBody, MessageStream with the server token', async () => {
    stub = await startPostmarkStub({ token: 'server-token' });
    expect(await mailer().send(messages.renewal_code)).toEqual({
      status: 'sent',
      providerId: 'stub-1',
    });
    const [got] = stub.received;
    expect(got?.token).toBe('server-token');
    expect(got?.body).toMatchObject({
      From: 'Facturación <facturacion@example.mx>',
      To: 'diego.barron.rmz@oxxogas.com',
      Subject: 'Tu código de renovación del Portal de Facturación',
      MessageStream: 'outbound',
      Tag: 'renewal_code',
    });
    expect(got?.body.TextBody).toContain('048213');
    expect(got?.body.HtmlBody).toContain('048213');
  });

  it('classifies failures: 5xx, 429 and timeouts are transient; 406 and 300 are permanent', async () => {
    stub = await startPostmarkStub();
    stub.failNext(1, 503);
    stub.failNext(1, 429, { ErrorCode: 429, Message: 'Rate limit exceeded' });
    stub.failNext(1, 422, {
      ErrorCode: 406,
      Message: 'You tried to send to a recipient that has been marked as inactive.',
    });
    stub.failNext(1, 422, { ErrorCode: 300, Message: 'Invalid email request' });
    const m = mailer();
    expect((await m.send(messages.renewal_code)).status).toBe('transient');
    expect((await m.send(messages.renewal_code)).status).toBe('transient');
    const inactive = await m.send(messages.renewal_code);
    expect(inactive).toMatchObject({
      status: 'permanent',
      reason: expect.stringContaining('inactive recipient'),
    });
    expect((await m.send(messages.renewal_code)).status).toBe('permanent');
    stub.failNext(1, 200, {}, 3000);
    expect((await mailer(1).send(messages.renewal_code)).status).toBe('transient');
  });

  it('fails 3 times then succeeds: exactly one delivery, after backoff', async () => {
    stub = await startPostmarkStub();
    stub.failNext(3, 500);
    const ports = createMemoryPorts({ mailer: undefined });
    ports.mailer = mailer() as never;
    await seedLegacyAccounts(ports, [
      { username: 'diego', password: 'pw', customerNumber: '1', email: 'diego@x.mx' },
    ]);
    const uc = createUseCases(ports);
    (
      await uc.logIn({
        identifier: 'diego',
        password: 'pw',
        context: { ip: null, userAgent: null },
      })
    ).unwrap();
    let sent = 0;
    for (let i = 0; i < 8; i++) {
      sent += (await uc.deliverPendingEmails({ limit: 10 })).sent;
      ports.clock.advance(300);
    }
    expect(sent).toBe(1);
    expect(stub.received).toHaveLength(1);
    expect((await ports.outbox.list({ limit: 5 }))[0]).toMatchObject({
      status: 'sent',
      attempts: 4,
    });
  });
});

describe('startDispatcher', () => {
  it('delivers on kick and on its interval, never overlapping, and survives errors', async () => {
    let calls = 0;
    let concurrent = 0;
    let peak = 0;
    const errors: unknown[] = [];
    const dispatcher = startDispatcher({
      intervalMs: 20,
      logger: { info: () => undefined, warn: (e) => errors.push(e) },
      deliver: async () => {
        calls++;
        concurrent++;
        peak = Math.max(peak, concurrent);
        await new Promise((r) => setTimeout(r, 5));
        concurrent--;
        if (calls === 2) throw new Error('boom');
        return { sent: 1, retried: 0, dead: 0 };
      },
    });
    dispatcher.kick();
    dispatcher.kick();
    // the kick, then the interval (every 20 ms); a loaded machine may take longer
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    await dispatcher.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(after);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(peak).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('while the store is down it backs off (doubling, capped) and logs once; then resumes', async () => {
    let down = true;
    let calls = 0;
    const warnings: string[] = [];
    const infos: string[] = [];
    const dispatcher = startDispatcher({
      intervalMs: 10,
      maxBackoffMs: 80,
      logger: { info: (_, m) => infos.push(m), warn: (_, m) => warnings.push(m) },
      deliver: async () => {
        calls++;
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return { sent: 0, retried: 0, dead: 0 };
      },
    });
    await new Promise((r) => setTimeout(r, 600));
    // every 10 ms would be about 60 runs; doubling to 80 ms caps it near 10
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(calls).toBeLessThanOrEqual(14);
    dispatcher.kick(); // a kick does not bypass the backoff while failing
    expect(warnings).toEqual([
      'outbox delivery failed; retrying with backoff until it works again',
    ]);
    down = false;
    await vi.waitFor(() => expect(infos).toContain('outbox delivery works again'), {
      timeout: 5_000,
    });
    const resumed = calls;
    await new Promise((r) => setTimeout(r, 200));
    expect(calls - resumed).toBeGreaterThanOrEqual(5); // back to the 10 ms interval
    await dispatcher.stop();
    expect(warnings).toHaveLength(1);
  });
});
