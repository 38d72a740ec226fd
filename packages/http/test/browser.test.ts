import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConsoleMailer, createRenueva, DevMailbox, type Renueva } from '@renueva/adapters';
import { maskEmail } from '@renueva/domain';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing: the browser test must run under CI`);
  console.warn(
    `\n*** ${CHROMIUM} not found: browser test SKIPPED (apt-get install -y chromium) ***\n`,
  );
}
const SHOTS = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');
const NEW_PASSWORD = 'tortuga violeta bajo el puente';

describe.skipIf(!available)('the seed flow in a real browser (Debian Chromium, headless)', () => {
  let renueva: Renueva;
  let server: RunningServer;
  let browser: Browser;
  let stopDispatcher: () => Promise<void>;
  const mailbox = new DevMailbox();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // real argon2, zxcvbn and dispatcher; the memory store; a quiet console mailer
    renueva = await createRenueva(
      { STORE: 'memory', LOG_LEVEL: 'silent', DEMO_ACCOUNTS: 'true', DISPATCH_INTERVAL_MS: '100' },
      {
        mailer: new ConsoleMailer({
          portalName: 'Portal de Facturación',
          publicUrl: 'http://127.0.0.1',
          mailbox,
          write: () => undefined,
        }),
      },
      { seedDemoAccounts: true },
    );
    stopDispatcher = renueva.startDispatcher().stop;
    server = await startServer(
      {
        useCases: renueva.useCases,
        policies: renueva.policies,
        mailbox,
        isReady: renueva.isReady,
        logger: renueva.logger,
        clock: renueva.clock,
      },
      { port: 0, hostname: '127.0.0.1' },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stopDispatcher?.();
    await renueva?.close();
  });

  interface Mail {
    id: number;
    to: string;
    template: string;
    text: string;
  }
  const mails = async (page: Page) =>
    (await (await page.request.get(`${server.url}/_dev/mailbox.json`)).json()) as Mail[];
  /** The id of the newest email so far: codes asked for after it come in newer ones. */
  const newestMailId = async (page: Page) => Math.max(0, ...(await mails(page)).map((m) => m.id));

  /**
   * The code in the newest code email to `to` newer than `after`, read from the dev
   * mailbox like a developer would.
   */
  async function codeFromMailbox(page: Page, to: string, after = 0): Promise<string> {
    for (let i = 0; i < 150; i++) {
      const code = (await mails(page))
        .filter((m) => m.to === to && m.id > after && m.template.endsWith('_code'))
        .map((m) => /\b(\d{6})\b/.exec(m.text)?.[1])[0];
      if (code) return code;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no code emailed to ${to}`);
  }

  it('sign in with the legacy username, renew with the emailed code, sign in with the email', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Inicio de Sesión' }).isVisible()).resolves.toBe(
      true,
    );
    await page.getByLabel('Correo Electrónico / Usuario').fill('dbarronrmz1');
    await page.getByLabel('Contraseña').fill('Gasolina2019');
    await page.screenshot({ path: join(SHOTS, '01-iniciar-sesion.png') });
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();

    await page.waitForURL('**/renovacion');
    const notice = await page.getByRole('status').textContent();
    expect(notice).toContain('Realizado');
    expect(notice).toContain('diego.barron.***@oxxog**.c**');
    await page.screenshot({ path: join(SHOTS, '02-renovacion.png') });

    const code = await codeFromMailbox(page, 'diego.barron.rmz@oxxogas.com');
    await page.getByLabel('Código').fill(code);
    await page.getByLabel('Contraseña', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmar Contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'RENOVAR CONTRASEÑA' }).click();

    await page.waitForURL('**/iniciar-sesion?renovado=1');
    expect(await page.getByRole('status').textContent()).toContain(
      'Su correo electrónico ha sido actualizado. Acceda de nuevo al portal con su correo electrónico y su contraseña.',
    );
    await page.screenshot({ path: join(SHOTS, '03-renovacion-realizada.png') });

    await page.getByLabel('Correo Electrónico / Usuario').fill('diego.barron.rmz@oxxogas.com');
    await page.getByLabel('Contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForURL('**/cuenta');
    const account = await page.locator('main').textContent();
    expect(account).toContain('2242455');
    expect(account).toContain('diego.barron.rmz@oxxogas.com');
    await page.screenshot({ path: join(SHOTS, '04-cuenta.png') });
    await page.getByRole('button', { name: 'CERRAR SESIÓN' }).click();
    await page.waitForURL('**/iniciar-sesion?sesion=cerrada');
    await page.close();
  }, 60_000);

  it('two customer numbers sharing one email: both renewals, then one sign-in opens both', async () => {
    const EMAIL = 'admin@flotillas.example';
    const SECOND_PASSWORD = 'segunda frase de la flotilla';
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    const signIn = async (identifier: string, password: string) => {
      await page.getByLabel('Correo Electrónico / Usuario').fill(identifier);
      await page.getByLabel('Contraseña').fill(password);
      await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    };
    /** Legacy sign-in, then the renewal form with the code that sign-in emailed. */
    const renew = async (username: string, legacyPassword: string, password: string) => {
      await page.goto(`${server.url}/iniciar-sesion`);
      const mark = await newestMailId(page);
      await signIn(username, legacyPassword);
      await page.waitForURL('**/renovacion');
      expect(await page.getByRole('status').textContent()).toContain(maskEmail(EMAIL));
      await page.getByLabel('Código').fill(await codeFromMailbox(page, EMAIL, mark));
      await page.getByLabel('Contraseña', { exact: true }).fill(password);
      await page.getByLabel('Confirmar Contraseña').fill(password);
      await page.getByRole('button', { name: 'RENOVAR CONTRASEÑA' }).click();
      await page.waitForURL('**/iniciar-sesion?renovado=1');
      return (await page.getByRole('status').textContent()) ?? '';
    };

    const first = await renew('flotilla01', 'flotilla-uno', NEW_PASSWORD);
    expect(first).toContain('Su correo electrónico ha sido actualizado.');
    expect(first).not.toContain('números de cliente');

    // the second customer number of the email joins the login; the password is the new one
    const second = await renew('flotilla02', 'flotilla-dos', SECOND_PASSWORD);
    expect(second).toContain('Su correo electrónico ha sido actualizado.');
    expect(second).toContain('ahora tiene acceso a los números de cliente 1000504 y 1000605');
    expect(second).toContain(
      'la contraseña que acaba de registrar es ahora la de todos sus números de cliente',
    );
    await page.screenshot({ path: join(SHOTS, '07-renovacion-numeros-de-cliente.png') });

    await signIn(EMAIL, NEW_PASSWORD);
    expect(await page.getByRole('alert').textContent()).toContain(
      'Usuario o contraseña incorrectos.',
    );
    await signIn(EMAIL, SECOND_PASSWORD);
    await page.waitForURL('**/cuenta');
    const active = page.getByTestId('active-customer-number');
    expect(await active.textContent()).toBe('1000504');
    expect(await page.locator('main').textContent()).toContain(EMAIL);
    const radios = page.getByRole('radio');
    expect(await radios.count()).toBe(2);
    expect(await page.getByRole('radio', { name: '1000504' }).isChecked()).toBe(true);
    await page.screenshot({ path: join(SHOTS, '08-cuenta-numeros-de-cliente.png') });

    await page.getByRole('radio', { name: '1000605' }).check();
    await page.getByRole('button', { name: 'USAR ESTE NÚMERO DE CLIENTE' }).click();
    await page.waitForURL('**/cuenta');
    expect(await active.textContent()).toBe('1000605');
    expect(await page.getByRole('radio', { name: '1000605' }).isChecked()).toBe(true);
    await page.reload(); // kept in the session
    expect(await active.textContent()).toBe('1000605');
    await page.close();
  }, 60_000);

  it('recovers a forgotten password (phone-sized screen)', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(`${server.url}/iniciar-sesion`);
    await page.getByRole('link', { name: '¿Deseas recuperar tu contraseña?' }).click();
    await page.waitForURL('**/recuperacion');
    await page.getByLabel('Correo Electrónico / Usuario').fill('MLopezFact');
    await page.screenshot({ path: join(SHOTS, '05-recuperacion.png') });
    await page.getByRole('button', { name: 'ENVIAR CÓDIGO' }).click();
    await page.waitForURL('**/recuperacion/codigo');
    await page.screenshot({ path: join(SHOTS, '06-recuperacion-codigo.png') });
    const code = await codeFromMailbox(page, 'maria.lopez@example.com.mx');
    await page.getByLabel('Código').fill(code);
    await page.getByLabel('Contraseña', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmar Contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'CAMBIAR CONTRASEÑA' }).click();
    await page.waitForURL('**/iniciar-sesion?renovado=1');
    await page.getByLabel('Correo Electrónico / Usuario').fill('Maria.Lopez@Example.com.mx');
    await page.getByLabel('Contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForURL('**/cuenta');
    expect(await page.locator('main').textContent()).toContain('1000201');
    await page.close();
  }, 60_000);
});
