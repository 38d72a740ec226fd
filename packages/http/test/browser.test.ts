import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConsoleMailer, createRenueva, DevMailbox, type Renueva } from '@renueva/adapters';
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

  /** The code in the newest email to `to`, read from the dev mailbox like a developer would. */
  async function codeFromMailbox(page: Page, to: string): Promise<string> {
    for (let i = 0; i < 150; i++) {
      const mails = (await (await page.request.get(`${server.url}/_dev/mailbox.json`)).json()) as {
        to: string;
        text: string;
      }[];
      const code = mails.filter((m) => m.to === to).map((m) => /\b(\d{6})\b/.exec(m.text)?.[1])[0];
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
