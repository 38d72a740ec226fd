import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import {
  ConsoleMailer,
  createRenueva,
  DevMailbox,
  loadConfig,
  type Renueva,
} from '@renueva/adapters';
import { maskEmail } from '@renueva/domain';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { FONT_STACK } from '../src/pages/layout.js';

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
const PORTAL = 'Portal de Facturación';
/** Support contacts as an operator sets them: the pages and emails show them. */
const SUPPORT_ENV = {
  SUPPORT_EMAIL: 'soporte@facturacion.example.mx',
  SUPPORT_PHONE: '55 1234 5678',
  SUPPORT_HOURS: 'lunes a viernes de 9:00 a 18:00 h',
};
/** A legacy account of this test only (the demo ones are used by the seed flows). */
const UI = { username: 'prueba.ui', password: 'clave-de-prueba', email: 'prueba.ui@example.mx' };

/** A font stack as Chromium reports it: no quotes, no spaces after commas. */
const fontList = (css: string) =>
  css
    .replace(/["']/g, '')
    .replace(/\s*,\s*/g, ',')
    .trim();

/**
 * What a person sees, on every page a test visits: standards mode, the stylesheet's
 * font, a title that matches the heading, no axe-core violation, and no console error
 * (a script refused by the Content-Security-Policy shows there). With `shot`, the page
 * at desktop and 375 px widths into docs/screenshots.
 */
async function look(page: Page, shot?: string) {
  // a string: this package's types have no DOM
  const seen = await page.evaluate<{ mode: string; font: string; title: string; heading: string }>(
    `({
      mode: document.compatMode,
      font: getComputedStyle(document.body).fontFamily,
      title: document.title,
      heading: document.querySelector('h1')?.textContent ?? '',
    })`,
  );
  expect(seen.mode, page.url()).toBe('CSS1Compat');
  expect(fontList(seen.font), page.url()).toBe(fontList(FONT_STACK));
  expect(seen.title, page.url()).toBe(`${seen.heading} · ${PORTAL}`);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(
    axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`),
    page.url(),
  ).toEqual([]);
  expect(consoleErrors.get(page) ?? [], page.url()).toEqual([]);
  if (shot) {
    const viewport = page.viewportSize() ?? { width: 900, height: 760 };
    await page.setViewportSize({ width: 900, height: 760 });
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 667 });
    await page.screenshot({ path: join(SHOTS, `${shot}-375.png`), fullPage: true });
    await page.setViewportSize(viewport);
  }
}
const consoleErrors = new WeakMap<Page, string[]>();
/** A new page that records its console errors for `look`. */
async function open(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}) {
  // a context of its own: axe-core needs one (the page closes it when it closes)
  const context = await browser.newContext({ viewport: { width: 900, height: 760 }, ...options });
  const page = await context.newPage();
  page.on('close', () => void context.close());
  // the page's Date stands still (its timers run): a countdown shows the same seconds in
  // every run, and so does every screenshot
  await page.clock.setFixedTime(Date.now());
  const errors: string[] = [];
  consoleErrors.set(page, errors);
  page.on('console', (m) => {
    // an error page's own 4xx status is logged as a failed load: not a fault of the page
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

describe.skipIf(!available)('the seed flow in a real browser (Debian Chromium, headless)', () => {
  let renueva: Renueva;
  let server: RunningServer;
  let browser: Browser;
  let stopDispatcher: () => Promise<void>;
  const mailbox = new DevMailbox();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // real argon2, zxcvbn and dispatcher; the memory store; a quiet console mailer
    const env = {
      STORE: 'memory',
      LOG_LEVEL: 'silent',
      DEMO_ACCOUNTS: 'true',
      DISPATCH_INTERVAL_MS: '100',
      ...SUPPORT_ENV,
    };
    const config = loadConfig(env);
    const site = { portalName: config.portalName, brand: config.brand, support: config.support };
    renueva = await createRenueva(
      env,
      {
        mailer: new ConsoleMailer({
          ...site,
          publicUrl: 'http://127.0.0.1',
          mailbox,
          write: () => undefined,
        }),
      },
      { seedDemoAccounts: true },
    );
    async function* rows() {
      yield {
        line: 2,
        customer_number: '3000101',
        username: UI.username,
        email: UI.email,
        password_hash: `plain:${UI.password}`,
      };
    }
    await renueva.useCases.importLegacyAccounts({ rows: rows(), dryRun: false });
    stopDispatcher = renueva.startDispatcher().stop;
    server = await startServer(
      {
        useCases: renueva.useCases,
        policies: renueva.policies,
        mailbox,
        isReady: renueva.isReady,
        logger: renueva.logger,
        clock: renueva.clock,
        options: site,
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
    const page = await open(browser);
    await page.goto(server.url);
    await expect(page.getByRole('heading', { name: 'Inicio de Sesión' }).isVisible()).resolves.toBe(
      true,
    );
    await page.getByLabel('Correo Electrónico / Usuario').fill('dbarronrmz1');
    await page.getByLabel('Contraseña', { exact: true }).fill('Gasolina2019');
    await look(page, '01-iniciar-sesion');
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();

    await page.waitForURL('**/renovacion');
    const notice = await page.getByRole('status').textContent();
    expect(notice).toContain('Realizado');
    expect(notice).toContain('diego.barron.***@oxxog**.c**');
    await look(page, '02-renovacion');

    const code = await codeFromMailbox(page, 'diego.barron.rmz@oxxogas.com');
    await page.getByLabel('Código').fill(code);
    await page.getByLabel('Contraseña', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmar Contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'RENOVAR CONTRASEÑA' }).click();

    await page.waitForURL('**/iniciar-sesion?renovado=1');
    expect(await page.getByRole('status').textContent()).toContain(
      'Tu correo electrónico ha sido actualizado. Accede de nuevo al portal con tu correo electrónico y tu contraseña.',
    );
    await look(page, '03-renovacion-realizada');

    await page.getByLabel('Correo Electrónico / Usuario').fill('diego.barron.rmz@oxxogas.com');
    await page.getByLabel('Contraseña', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForURL('**/cuenta');
    const account = await page.locator('main').textContent();
    expect(account).toContain('2242455');
    expect(account).toContain('diego.barron.rmz@oxxogas.com');
    await look(page, '04-cuenta');
    await page.getByRole('button', { name: 'CERRAR SESIÓN' }).click();
    await page.waitForURL('**/iniciar-sesion?sesion=cerrada');
    await look(page);
    await page.close();
  }, 90_000);

  it('two customer numbers sharing one email: both renewals, then one sign-in opens both', async () => {
    const EMAIL = 'admin@flotillas.example';
    const SECOND_PASSWORD = 'segunda frase de la flotilla';
    const page = await open(browser, { viewport: { width: 900, height: 900 } });
    const signIn = async (identifier: string, password: string) => {
      await page.getByLabel('Correo Electrónico / Usuario').fill(identifier);
      await page.getByLabel('Contraseña', { exact: true }).fill(password);
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
    expect(first).toContain('Tu correo electrónico ha sido actualizado.');
    expect(first).not.toContain('números de cliente');

    // the second customer number of the email joins the login; the password is the new one
    const second = await renew('flotilla02', 'flotilla-dos', SECOND_PASSWORD);
    expect(second).toContain('Tu correo electrónico ha sido actualizado.');
    expect(second).toContain('ahora tienes acceso a los números de cliente 1000504 y 1000605');
    expect(second).toContain(
      'la contraseña que acabas de registrar es ahora la de todos tus números de cliente',
    );
    await look(page, '07-renovacion-numeros-de-cliente');

    await signIn(EMAIL, NEW_PASSWORD);
    expect(await page.getByRole('alert').textContent()).toContain(
      'Usuario o contraseña incorrectos.',
    );
    await look(page);
    await signIn(EMAIL, SECOND_PASSWORD);
    await page.waitForURL('**/cuenta');
    const active = page.getByTestId('active-customer-number');
    expect(await active.textContent()).toBe('1000504');
    expect(await page.locator('main').textContent()).toContain(EMAIL);
    const radios = page.getByRole('radio');
    expect(await radios.count()).toBe(2);
    expect(await page.getByRole('radio', { name: '1000504' }).isChecked()).toBe(true);
    await look(page, '08-cuenta-numeros-de-cliente');

    await page.getByRole('radio', { name: '1000605' }).check();
    await page.getByRole('button', { name: 'USAR ESTE NÚMERO DE CLIENTE' }).click();
    await page.waitForURL('**/cuenta');
    expect(await active.textContent()).toBe('1000605');
    expect(await page.getByRole('radio', { name: '1000605' }).isChecked()).toBe(true);
    await page.reload(); // kept in the session
    expect(await active.textContent()).toBe('1000605');
    await page.close();
  }, 90_000);

  it('recovers a forgotten password (phone-sized screen)', async () => {
    const page = await open(browser, { viewport: { width: 375, height: 667 }, isMobile: true });
    await page.goto(`${server.url}/iniciar-sesion`);
    await page.getByRole('link', { name: '¿Deseas recuperar tu contraseña?' }).click();
    await page.waitForURL('**/recuperacion');
    await page.getByLabel('Correo Electrónico / Usuario').fill('MLopezFact');
    await look(page, '05-recuperacion');
    await page.getByRole('button', { name: 'ENVIAR CÓDIGO' }).click();
    await page.waitForURL('**/recuperacion/codigo');
    await look(page, '06-recuperacion-codigo');
    const code = await codeFromMailbox(page, 'maria.lopez@example.com.mx');
    await page.getByLabel('Código').fill(code);
    await page.getByLabel('Contraseña', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmar Contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'CAMBIAR CONTRASEÑA' }).click();
    await page.waitForURL('**/iniciar-sesion?renovado=1');
    await page.getByLabel('Correo Electrónico / Usuario').fill('Maria.Lopez@Example.com.mx');
    await page.getByLabel('Contraseña', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForURL('**/cuenta');
    expect(await page.locator('main').textContent()).toContain('1000201');
    await page.close();
  }, 90_000);

  it('no email on record: the message names support and the page says how to reach it', async () => {
    const page = await open(browser);
    await page.goto(`${server.url}/iniciar-sesion`);
    await page.getByLabel('Correo Electrónico / Usuario').fill('transportes_norte');
    await page.getByLabel('Contraseña', { exact: true }).fill('norte2015');
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain('Comunícate con soporte');
    expect(await alert.getByRole('link', { name: SUPPORT_ENV.SUPPORT_EMAIL }).count()).toBe(1);
    expect(await alert.getByRole('link', { name: SUPPORT_ENV.SUPPORT_PHONE }).count()).toBe(1);
    expect(await alert.textContent()).toContain(SUPPORT_ENV.SUPPORT_HOURS);
    await look(page, '09-soporte');
    await page.close();
  }, 60_000);

  it('the form helps: show password, errors focused and marked, code and notice kept, countdown', async () => {
    const page = await open(browser);
    await page.clock.install(); // fake timers: runFor moves the countdown
    await page.goto(`${server.url}/iniciar-sesion`);
    const identifier = page.getByLabel('Correo Electrónico / Usuario');
    expect(await identifier.getAttribute('autocapitalize')).toBe('none');
    expect(await identifier.getAttribute('spellcheck')).toBe('false');

    // the toggle is a real, labelled button; the password is hidden again on submit
    const password = page.getByLabel('Contraseña', { exact: true });
    await identifier.fill(UI.username);
    await password.fill('no es esta');
    const show = page.getByRole('button', { name: 'Mostrar contraseña' });
    await show.click();
    expect(await password.getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Ocultar contraseña' }).click();
    expect(await password.getAttribute('type')).toBe('password');
    await show.click();
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForLoadState();

    // a wrong password: the summary has the focus, both fields are marked
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('error-summary');
    expect(await identifier.getAttribute('aria-invalid')).toBe('true');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.getAttribute('type')).toBe('password');
    await look(page);

    await password.fill(UI.password);
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForURL('**/renovacion');
    const resend = page.getByRole('button', { name: /^Reenviar el código/ });
    expect(await resend.isDisabled()).toBe(true);
    expect(await resend.textContent()).toBe('Reenviar el código (60 s)');
    await page.clock.runFor(15_000);
    expect(await resend.textContent()).toBe('Reenviar el código (45 s)');
    expect(await page.locator('#reenviar-ayuda').textContent()).toContain(
      'Podrás pedir un nuevo código en 45 segundos.',
    );
    expect(await page.getByRole('link', { name: 'Volver a Inicio de Sesión' }).isVisible()).toBe(
      true,
    );

    // a mismatch: its own message, the code stays, the passwords do not, the notice stays
    await page.getByLabel('Código').fill('123456');
    await page.getByLabel('Contraseña', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmar Contraseña').fill(`${NEW_PASSWORD}!`);
    await page.getByRole('button', { name: 'RENOVAR CONTRASEÑA' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('alert').textContent()).toContain(
      'La confirmación no coincide con la contraseña.',
    );
    expect(await page.getByRole('alert').textContent()).not.toContain('requisitos');
    expect(await page.evaluate<string>('document.activeElement?.id')).toBe('error-summary');
    expect(await page.getByLabel('Código').inputValue()).toBe('123456');
    expect(await page.getByLabel('Contraseña', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Confirmar Contraseña').inputValue()).toBe('');
    expect(await page.getByLabel('Confirmar Contraseña').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('status').textContent()).toContain(maskEmail(UI.email));
    await look(page);

    // the cooldown over, the button is enabled again
    await page.clock.runFor(61_000);
    expect(await resend.isEnabled()).toBe(true);
    expect(await resend.textContent()).toBe('Reenviar el código');
    expect(await page.locator('#reenviar-ayuda').textContent()).toBe(
      'Si no te llega el correo, revisa tu carpeta de spam o pide un nuevo código.',
    );

    // signing in again sends nothing new: the page says the code sent before still works
    await page.goto(`${server.url}/iniciar-sesion`);
    await page.getByLabel('Correo Electrónico / Usuario').fill(UI.username);
    await page.getByLabel('Contraseña', { exact: true }).fill(UI.password);
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForURL('**/renovacion?vigente=1');
    const status = (await page.getByRole('status').textContent()) ?? '';
    expect(status).not.toContain('Realizado');
    expect(status).toContain('sigue vigente');
    await look(page);
    await page.close();
  }, 90_000);

  it('without JavaScript every form still works, and no dead button shows', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/iniciar-sesion`);
    expect(await page.getByRole('button', { name: /Mostrar/ }).count()).toBe(0);
    await page.getByLabel('Correo Electrónico / Usuario').fill(UI.username);
    await page.getByLabel('Contraseña').fill(UI.password);
    await page.getByRole('button', { name: 'INICIAR SESIÓN' }).click();
    await page.waitForURL('**/renovacion*');
    expect(await page.getByRole('button', { name: /Mostrar/ }).count()).toBe(0);
    // the resend button always submits: the server says how long to wait
    const resend = page.getByRole('button', { name: 'Reenviar el código' });
    expect(await resend.isEnabled()).toBe(true);
    await resend.click();
    await page.waitForLoadState();
    expect(await page.getByRole('alert').textContent()).toContain('Podrás solicitar otro');
    await context.close();
  }, 60_000);
});
