import { createHash } from 'node:crypto';
import { loadConfig } from '@renueva/adapters';
import { maskEmail } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BRAND, resolveOptions } from '../src/deps.js';
import { FONT_STACK } from '../src/pages/layout.js';
import { SCRIPT } from '../src/pages/script.js';
import { DIEGO, NEW_PASSWORD, testApp } from './setup.js';

type App = Awaited<ReturnType<typeof testApp>>;
const text = async (res: Response) => res.text();
/** The text a person reads: tags dropped, spaces collapsed. */
const visible = (html: string) => html.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ');

/** Posts the recovery form: the code and the new password, confirmed. */
const enterRecoveryCode = (t: App, codigo: string, password: string) =>
  t.post('/recuperacion/codigo', { codigo, contrasena: password, confirmacion: password });

describe('pages: the seed flow', () => {
  it('/ goes to the sign-in page, which has the seed form', async () => {
    const t = await testApp();
    const root = await t.get('/');
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toBe('/iniciar-sesion');
    const page = await t.get('/iniciar-sesion');
    const html = await text(page);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('Inicio de Sesión');
    expect(html).toContain('<label for="identificador">Correo Electrónico / Usuario</label>');
    expect(html).toContain('<label for="contrasena">Contraseña</label>');
    expect(html).toContain('INICIAR SESIÓN');
    expect(html).toContain('¿Deseas recuperar tu contraseña?');
    expect(html).toContain('lang="es-MX"');
  });

  it('legacy sign-in -> Realizado with the masked email -> renewal -> sign in with the email -> /cuenta', async () => {
    const t = await testApp();
    const signIn = await t.post('/iniciar-sesion', {
      identificador: DIEGO.username,
      contrasena: DIEGO.password,
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/renovacion');
    const renewal = await text(await t.get('/renovacion'));
    expect(renewal).toContain('Realizado');
    expect(renewal).toContain(
      'Enviamos un código de renovación de contraseña a tu correo: diego.barron.***@oxxog**.c**',
    );
    for (const label of [
      'Código',
      'Contraseña',
      'Confirmar Contraseña',
      'RENOVAR CONTRASEÑA',
      'Reenviar el código',
    ])
      expect(renewal).toContain(label);
    expect(visible(renewal)).toContain('Podrás pedir un nuevo código en 60 segundos');

    const done = await t.post('/renovacion', {
      codigo: t.codeFor(),
      contrasena: NEW_PASSWORD,
      confirmacion: NEW_PASSWORD,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/iniciar-sesion?renovado=1');
    const success = await text(await t.get('/iniciar-sesion?renovado=1'));
    expect(success).toContain(
      'Tu correo electrónico ha sido actualizado. Accede de nuevo al portal con tu correo electrónico y tu contraseña.',
    );

    const again = await t.post('/iniciar-sesion', {
      identificador: DIEGO.email,
      contrasena: NEW_PASSWORD,
    });
    expect(again.headers.get('location')).toBe('/cuenta');
    const account = await text(await t.get('/cuenta'));
    expect(account).toContain('2242455');
    expect(account).toContain(DIEGO.email);

    const out = await t.post('/cerrar-sesion', {});
    expect(out.headers.get('location')).toBe('/iniciar-sesion?sesion=cerrada');
    expect((await t.get('/cuenta')).headers.get('location')).toBe('/iniciar-sesion');
  });

  it('the legacy username of a renewed account: a hint that the login is now the email', async () => {
    const t = await testApp();
    await t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: DIEGO.password });
    await t.post('/renovacion', {
      codigo: t.codeFor(),
      contrasena: NEW_PASSWORD,
      confirmacion: NEW_PASSWORD,
    });
    const hint = await t.post('/iniciar-sesion', {
      identificador: DIEGO.username,
      contrasena: NEW_PASSWORD,
    });
    expect(hint.status).toBe(200);
    expect(await text(hint)).toContain(
      'ahora inicias sesión con tu correo electrónico (diego.barron.***@oxxog**.c**)',
    );
  });

  it('renewal page: every outcome has its Spanish message in place', async () => {
    const t = await testApp();
    await t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: DIEGO.password });
    const wrong = t.codeFor() === '000000' ? '111111' : '000000';
    const bad = await t.post('/renovacion', {
      codigo: wrong,
      contrasena: NEW_PASSWORD,
      confirmacion: NEW_PASSWORD,
    });
    expect(bad.status).toBe(400);
    expect(await text(bad)).toContain(
      'El código es incorrecto. Te quedan 4 intentos con este código.',
    );
    const weak = await t.post('/renovacion', {
      codigo: t.codeFor(),
      contrasena: 'corta',
      confirmacion: 'otra',
    });
    expect(weak.status).toBe(422);
    const weakHtml = await text(weak);
    expect(weakHtml).toContain('Debe tener al menos 12 caracteres.');
    expect(weakHtml).toContain('Además, la confirmación no coincide con la contraseña.');
    const common = await t.post('/renovacion', {
      codigo: t.codeFor(),
      contrasena: 'password1234',
      confirmacion: 'password1234',
    });
    expect(await text(common)).toContain('Es demasiado común o fácil de adivinar.');
    const soon = await t.post('/renovacion/reenviar', {});
    expect(soon.status).toBe(429);
    expect(await text(soon)).toContain('Podrás solicitar otro en 60 segundos');
    t.ports.clock.advance(61);
    const resent = await t.post('/renovacion/reenviar', {});
    expect(resent.headers.get('location')).toBe('/renovacion?reenviado=1');
    expect(await text(await t.get('/renovacion?reenviado=1'))).toContain(
      'Enviamos un nuevo código',
    );
    t.ports.clock.advance(601);
    const expired = await t.post('/renovacion', {
      codigo: t.codeFor(),
      contrasena: NEW_PASSWORD,
      confirmacion: NEW_PASSWORD,
    });
    expect(expired.status).toBe(410);
    expect(await text(expired)).toContain('El código ya venció. Solicita uno nuevo.');
  });

  it('sign-in errors: no deliverable email, throttled, busy', async () => {
    const t = await testApp();
    const none = await t.post('/iniciar-sesion', {
      identificador: 'SinCorreo',
      contrasena: 'legacy-pass',
    });
    expect(none.status).toBe(422);
    expect(await text(none)).toContain('Comunícate con soporte para actualizarlo.');

    for (let i = 0; i < 5; i++)
      await t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: 'x' });
    const throttled = await t.post('/iniciar-sesion', {
      identificador: DIEGO.username,
      contrasena: 'x',
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(await text(throttled)).toContain('inténtalo de nuevo en 1 segundo');

    t.ports.hasher.busy = true;
    const busy = await t.post('/iniciar-sesion', { identificador: 'nadie', contrasena: 'x' });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
  });

  it('recovery: the same answer whether or not the account exists; a real one changes the password', async () => {
    const t = await testApp();
    const page = await text(await t.get('/recuperacion'));
    expect(page).toContain('Recuperar Contraseña');
    const answers: string[] = [];
    for (const identificador of ['nadie', 'nadie@x.mx', DIEGO.username]) {
      t.resetCookies();
      const r = await t.post('/recuperacion', { identificador });
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toBe('/recuperacion/codigo');
      answers.push(await text(await t.get('/recuperacion/codigo')));
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain(
      'Si los datos corresponden a una cuenta con correo registrado, te enviamos un código.',
    );
    // the real (last) one: a legacy account recovered this way is migrated
    const done = await enterRecoveryCode(t, t.codeFor(), NEW_PASSWORD);
    expect(done.headers.get('location')).toBe('/iniciar-sesion?renovado=1');
    // and recovering a migrated account changes its password
    t.resetCookies();
    t.ports.clock.advance(61);
    await t.post('/recuperacion', { identificador: DIEGO.email });
    const changed = await enterRecoveryCode(t, t.codeFor(), 'otra frase también muy larga');
    expect(changed.headers.get('location')).toBe('/iniciar-sesion?recuperado=1');
    expect(await text(await t.get('/iniciar-sesion?recuperado=1'))).toContain(
      'Tu contraseña fue actualizada',
    );
  });

  it('recovery: a wrong code and a resend read the same for an unknown account as for a real one', async () => {
    const t = await testApp();
    const pages: string[][] = [];
    for (const identificador of ['nadie', DIEGO.username]) {
      t.resetCookies();
      await t.post('/recuperacion', { identificador });
      const seen: string[] = [];
      const wrong = await enterRecoveryCode(t, '000001', 'corta');
      expect(wrong.status).toBe(400);
      seen.push(await text(wrong));
      const soon = await t.post('/recuperacion/reenviar', {});
      expect(soon.status).toBe(429);
      seen.push(await text(soon));
      t.ports.clock.advance(61);
      const resent = await t.post('/recuperacion/reenviar', {});
      expect(resent.headers.get('location')).toBe('/recuperacion/codigo?reenviado=1');
      seen.push(await text(await t.get('/recuperacion/codigo?reenviado=1')));
      pages.push(seen);
    }
    expect(pages[1]).toEqual(pages[0]);
    expect(pages[0]?.[0]).toContain('El código no es válido o ya venció.');
    expect(pages[0]?.[2]).toContain('te enviamos un código nuevo');
    // the real account got a second code, and the newest one finishes the recovery
    expect(t.ports.outbox.messages().map((m) => m.email.template)).toEqual([
      'renewal_code',
      'renewal_code',
    ]);
    const done = await enterRecoveryCode(t, t.codeFor(), NEW_PASSWORD);
    expect(done.headers.get('location')).toBe('/iniciar-sesion?renovado=1');
  });

  it('the dev mailbox lists the emails (HTML and JSON)', async () => {
    const t = await testApp();
    const json = await t.get('/_dev/mailbox.json');
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual([]);
    expect(await text(await t.get('/_dev/mailbox'))).toContain('Aún no hay correos.');
    t.mailbox.add({
      template: 'renewal_code',
      to: DIEGO.email,
      subject: 'Tu código <de> renovación',
      text: 'Código: 482913',
      html: '<p>Código: <b>482913</b></p>',
      sentAt: new Date('2026-03-02T16:00:00Z'),
    });
    const listed = (await (await t.get('/_dev/mailbox.json')).json()) as {
      id: number;
      to: string;
      text: string;
    }[];
    expect(listed).toMatchObject([{ id: 1, to: DIEGO.email, text: 'Código: 482913' }]);
    const page = await text(await t.get('/_dev/mailbox'));
    expect(page).toContain('Tu código &lt;de&gt; renovación');
    expect(page).toContain('Código: 482913');
    expect(await text(await t.get('/_dev/mailbox/1'))).toBe('<p>Código: <b>482913</b></p>');
    expect((await t.get('/_dev/mailbox/99')).status).toBe(404);
  });
});

describe('pages: one email, several customer numbers (one login)', () => {
  const EMAIL = 'admin@flotillas.mx';
  const FIRST = 'primera frase de la flotilla';
  const SECOND = 'segunda frase de la flotilla';
  const MASKED = maskEmail(EMAIL);

  /** Legacy sign-in of `username`, then the renewal form with the newest code to EMAIL. */
  const renew = async (t: App, username: string, password: string) => {
    const started = await t.post('/iniciar-sesion', {
      identificador: username,
      contrasena: 'legacy-pass',
    });
    expect(started.headers.get('location')).toBe('/renovacion');
    expect(await text(await t.get('/renovacion'))).toContain(
      `Enviamos un código de renovación de contraseña a tu correo: ${MASKED}`,
    );
    const done = await t.post('/renovacion', {
      codigo: t.codeFor(EMAIL),
      contrasena: password,
      confirmacion: password,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/iniciar-sesion?renovado=1');
    return text(await t.get('/iniciar-sesion?renovado=1'));
  };
  const signIn = (t: App, identificador: string, contrasena: string) =>
    t.post('/iniciar-sesion', { identificador, contrasena });
  const active = (html: string) =>
    /data-testid="active-customer-number">(\d+)</.exec(html)?.[1] ?? null;
  const checked = (html: string) =>
    [...html.matchAll(/<input[^>]*name="numero"[^>]*>/g)]
      .filter((m) => /\bchecked\b/.test(m[0]))
      .map((m) => /value="(\d+)"/.exec(m[0])?.[1]);

  it('the second renewal joins the login of the first: its notice names both numbers and says the password changed', async () => {
    const t = await testApp();
    const first = await renew(t, 'flotilla01', FIRST);
    expect(first).toContain(
      'Tu correo electrónico ha sido actualizado. Accede de nuevo al portal con tu correo electrónico y tu contraseña.',
    );
    expect(first).not.toContain('números de cliente');
    expect(first).not.toContain('contraseña cambió');

    // signed in on 102 only: no choice to make
    expect((await signIn(t, EMAIL, FIRST)).headers.get('location')).toBe('/cuenta');
    const single = await text(await t.get('/cuenta'));
    expect(active(single)).toBe('102');
    expect(single).not.toContain('/cuenta/numero-de-cliente');

    // flotilla02, same email: the same screens, and it joins the login
    const second = await renew(t, 'flotilla02', SECOND);
    expect(second).toContain(
      'Tu correo electrónico ha sido actualizado. Accede de nuevo al portal con tu correo electrónico y tu contraseña.',
    );
    expect(second).toContain(
      'Con tu correo electrónico ahora tienes acceso a los números de cliente 102 y 103.',
    );
    expect(second).toContain(
      'la contraseña que acabas de registrar es ahora la de todos tus números de cliente.',
    );
    // said once: a reload shows the plain seed notice
    const reloaded = await text(await t.get('/iniciar-sesion?renovado=1'));
    expect(reloaded).toContain('Tu correo electrónico ha sido actualizado.');
    expect(reloaded).not.toContain('102 y 103');
    // the confirmation email says it too
    const completed = t.ports.outbox
      .messages()
      .filter((m) => m.email.template === 'renewal_completed')
      .map((m) => m.email.data);
    expect(completed).toMatchObject([
      { customerNumbers: ['102'], loginEmail: EMAIL },
      { customerNumbers: ['102', '103'], loginEmail: EMAIL, passwordChanged: true },
    ]);

    // the session opened with the first password ended
    const ended = await t.get('/cuenta');
    expect(ended.status).toBe(303);
    expect(ended.headers.get('location')).toBe('/iniciar-sesion');
    // the first password no longer works; the second one does
    const old = await signIn(t, EMAIL, FIRST);
    expect(old.status).toBe(401);
    expect(await text(old)).toContain('Usuario o contraseña incorrectos.');
    expect((await signIn(t, EMAIL.toUpperCase(), SECOND)).headers.get('location')).toBe('/cuenta');
  });

  it('one sign-in opens both: /cuenta lists them and the chosen one is kept in the session', async () => {
    const t = await testApp();
    await renew(t, 'flotilla01', FIRST);
    await renew(t, 'flotilla02', SECOND);
    expect((await signIn(t, EMAIL, SECOND)).headers.get('location')).toBe('/cuenta');

    const both = await text(await t.get('/cuenta'));
    expect(both).toContain(EMAIL);
    expect(both).toContain(
      'Con tu correo tienes acceso a 2 números de cliente. Elige con cuál quieres trabajar:',
    );
    expect(both).toContain('<form method="post" action="/cuenta/numero-de-cliente">');
    expect([...both.matchAll(/name="numero" value="(\d+)"/g)].map((m) => m[1])).toEqual([
      '102',
      '103',
    ]);
    expect(active(both)).toBe('102');
    expect(checked(both)).toEqual(['102']);

    const chosen = await t.post('/cuenta/numero-de-cliente', { numero: '103' });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe('/cuenta');
    const after = await text(await t.get('/cuenta'));
    expect(active(after)).toBe('103');
    expect(checked(after)).toEqual(['103']);
    // kept in the session: the API sees the same session on 103
    const token = t.cookies().get('renueva_session');
    const me = await t.app.request('/api/v1/session', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await me.json()).toMatchObject({ customerNumber: '103' });

    // a number the login does not open: a 400 with a clear message, nothing changes
    for (const numero of ['2242455', '999', '', 'abc', ' '.repeat(50)]) {
      const foreign = await t.post('/cuenta/numero-de-cliente', { numero });
      expect(foreign.status, numero).toBe(400);
      const html = await text(foreign);
      expect(html).toContain(
        'Ese número de cliente no pertenece a tu cuenta. Elige uno de la lista.',
      );
      expect(active(html)).toBe('103');
    }
    expect(active(await text(await t.get('/cuenta')))).toBe('103');

    // without a session, choosing goes to the sign-in page
    await t.post('/cerrar-sesion', {});
    const signedOut = await t.post('/cuenta/numero-de-cliente', { numero: '102' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/iniciar-sesion');
  });

  it('the legacy username of a joined customer number: the hint with the masked email', async () => {
    const t = await testApp();
    await renew(t, 'flotilla01', FIRST);
    await renew(t, 'flotilla02', SECOND);
    for (const username of ['flotilla01', 'FLOTILLA02']) {
      const hint = await signIn(t, username, SECOND);
      expect(hint.status, username).toBe(200);
      const html = await text(hint);
      expect(html).toContain('Tu usuario cambió');
      expect(html).toContain(
        `Tu cuenta ya fue renovada: ahora inicias sesión con tu correo electrónico (${MASKED}) y tu contraseña.`,
      );
      expect(t.cookies().has('renueva_session')).toBe(false);
    }
    // with the first (replaced) password or the legacy one: the generic failure
    for (const password of [FIRST, 'legacy-pass']) {
      const wrong = await signIn(t, 'flotilla01', password);
      expect(wrong.status).toBe(401);
      expect(await text(wrong)).toContain('Usuario o contraseña incorrectos.');
    }
  });
});

describe('pages: what a person sees', () => {
  const SUPPORT = {
    email: 'soporte@example.mx',
    phone: '+52 55 1234 5678',
    hours: 'lunes a viernes de 9:00 a 18:00 h',
  };
  /** The legacy sign-in of Diego: a renewal code goes out, the browser is on the flow. */
  const startRenewal = (t: App) =>
    t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: DIEGO.password });

  it('every page is in standards mode, its stylesheet is not escaped, its title is its heading', async () => {
    const t = await testApp();
    await startRenewal(t);
    const pages = [
      await t.get('/iniciar-sesion'),
      await t.get('/renovacion'),
      await t.get('/recuperacion'),
      await t.get('/no-existe'),
      await t.get('/_dev/mailbox'),
    ];
    for (const page of pages) {
      const html = await text(page);
      expect(html.startsWith('<!DOCTYPE html><html lang="es-MX">'), page.url).toBe(true);
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
      expect(style).toContain(`font-family:${FONT_STACK}`);
      expect(style).toContain('"Segoe UI"');
      expect(style).not.toContain('&quot;');
      const heading = /<h1 id="heading">([^<]*)<\/h1>/.exec(html)?.[1];
      expect(/<title>([^<]*)<\/title>/.exec(html)?.[1]).toBe(`${heading} · Portal de Facturación`);
      expect(html).toContain(`<script>${SCRIPT}</script>`);
    }
  });

  it('the inline script is allowed by its hash, never by unsafe-inline', async () => {
    const t = await testApp();
    const csp = (await t.get('/iniciar-sesion')).headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    const hash = createHash('sha256').update(SCRIPT).digest('base64');
    expect(scriptSrc).toContain(`'sha256-${hash}'`);
    expect(scriptSrc).not.toContain('unsafe-inline');
  });

  it('the identifier is not capitalised or spell-checked; a failed sign-in marks both fields', async () => {
    const t = await testApp();
    const page = await text(await t.get('/iniciar-sesion'));
    const identifier = /<input id="identificador"[^>]*>/.exec(page)?.[0] ?? '';
    expect(identifier).toContain('autocapitalize="none"');
    expect(identifier).toContain('spellcheck="false"');
    expect(identifier).not.toContain('aria-invalid');
    const failed = await text(
      await t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: 'no' }),
    );
    expect(failed).toContain('id="error-summary" tabindex="-1"');
    for (const id of ['identificador', 'contrasena']) {
      const input = new RegExp(`<input id="${id}"[^>]*>`).exec(failed)?.[0] ?? '';
      expect(input, id).toContain('aria-invalid="true"');
      expect(input, id).toContain('aria-describedby="error-summary"');
    }
    // the password never comes back
    expect(failed).not.toMatch(/name="contrasena"[^>]*value=/);
  });

  it('after an error on the renewal form: the notice of where the code went stays, so does the code, never a password', async () => {
    const t = await testApp();
    await startRenewal(t);
    const wrong = t.codeFor() === '000000' ? '111111' : '000000';
    const bad = await text(
      await t.post('/renovacion', {
        codigo: wrong,
        contrasena: NEW_PASSWORD,
        confirmacion: NEW_PASSWORD,
      }),
    );
    expect(bad).toContain('El código es incorrecto.');
    expect(bad).toContain(
      `Enviamos tu código de renovación de contraseña a tu correo: ${maskEmail(DIEGO.email)}.`,
    );
    expect(/<input id="codigo"[^>]*>/.exec(bad)?.[0]).toContain(`value="${wrong}"`);
    expect(/<input id="codigo"[^>]*>/.exec(bad)?.[0]).toContain('aria-invalid="true"');
    expect(bad).not.toContain(NEW_PASSWORD);
    // a resend refused as too soon keeps the notice too
    const soon = await text(await t.post('/renovacion/reenviar', {}));
    expect(soon).toContain('Podrás solicitar otro en 60 segundos');
    expect(soon).toContain(`a tu correo: ${maskEmail(DIEGO.email)}.`);
  });

  it('after an error on the recovery form: the notice stays, so does the code, never a password', async () => {
    const t = await testApp();
    await t.post('/recuperacion', { identificador: DIEGO.username });
    const bad = await text(await enterRecoveryCode(t, '000001', NEW_PASSWORD));
    expect(bad).toContain('El código no es válido o ya venció.');
    expect(bad).toContain(
      'Si los datos corresponden a una cuenta con correo registrado, te enviamos un código.',
    );
    expect(/<input id="codigo"[^>]*>/.exec(bad)?.[0]).toContain('value="000001"');
    expect(bad).not.toContain(NEW_PASSWORD);
    expect(bad).toContain('<a href="/iniciar-sesion">Volver a Inicio de Sesión</a>');
  });

  it('a confirmation that does not match has its own message, not a failed requirement', async () => {
    const t = await testApp();
    await startRenewal(t);
    const res = await t.post('/renovacion', {
      codigo: t.codeFor(),
      contrasena: NEW_PASSWORD,
      confirmacion: `${NEW_PASSWORD}.`,
    });
    expect(res.status).toBe(422);
    const html = await text(res);
    expect(html).toContain(
      'La confirmación no coincide con la contraseña. Escribe la misma contraseña en los dos campos.',
    );
    expect(html).not.toContain('no cumple los requisitos');
    expect(/<input id="confirmacion"[^>]*>/.exec(html)?.[0]).toContain('aria-invalid="true"');
    expect(/<input id="contrasena"[^>]*>/.exec(html)?.[0]).not.toContain('aria-invalid');
    // a requirement and a mismatch: the requirement, and the mismatch said apart
    const both = await text(
      await t.post('/renovacion', { codigo: t.codeFor(), contrasena: 'corta', confirmacion: 'x' }),
    );
    expect(both).toContain(
      'La contraseña no cumple los requisitos: Debe tener al menos 12 caracteres. Además, la confirmación no coincide con la contraseña.',
    );
  });

  it('signing in again when no email went out does not say "Realizado": the earlier code still works', async () => {
    const t = await testApp();
    expect((await startRenewal(t)).headers.get('location')).toBe('/renovacion');
    // a double submission: the code just sent stays, nothing new is emailed
    const again = await startRenewal(t);
    expect(again.headers.get('location')).toBe('/renovacion?vigente=1');
    expect(t.ports.outbox.messages()).toHaveLength(1);
    const html = await text(await t.get('/renovacion?vigente=1'));
    expect(html).not.toContain('Realizado');
    expect(html).not.toContain('Enviamos un código');
    expect(html).toContain(
      `Ya te habíamos enviado un código de renovación de contraseña a tu correo: ${maskEmail(DIEGO.email)}, y sigue vigente, así que no te enviamos otro.`,
    );
  });

  it('the resend button carries its wait for the countdown; the renewal page links back to sign-in', async () => {
    const t = await testApp();
    await startRenewal(t);
    const html = await text(await t.get('/renovacion'));
    expect(html).toMatch(/<button type="submit" class="secondary"[^>]*data-wait="60"/);
    expect(html).toContain('<span data-countdown="true">en 60 segundos</span>');
    expect(html).toContain('<a href="/iniciar-sesion">Volver a Inicio de Sesión</a>');
    t.ports.clock.advance(61);
    const later = await text(await t.get('/renovacion'));
    expect(later).not.toMatch(/<button[^>]*data-wait=/);
    expect(later).toContain(
      'Si no te llega el correo, revisa tu carpeta de spam o pide un nuevo código.',
    );
  });

  it('support contacts: in the footer of every page and wherever a message names support', async () => {
    const t = await testApp({ support: SUPPORT });
    const line =
      'Soporte: escribe a <a href="mailto:soporte@example.mx">soporte@example.mx</a> o llama al <a href="tel:+525512345678">+52 55 1234 5678</a>. Horario de atención: lunes a viernes de 9:00 a 18:00 h.';
    const page = await text(await t.get('/iniciar-sesion'));
    expect(/<footer>[\s\S]*<\/footer>/.exec(page)?.[0]).toContain(line);
    const none = await text(
      await t.post('/iniciar-sesion', { identificador: 'SinCorreo', contrasena: 'legacy-pass' }),
    );
    const alert = /<div class="notice error"[\s\S]*?<\/div>/.exec(none)?.[0] ?? '';
    expect(alert).toContain('Comunícate con soporte para actualizarlo.');
    expect(alert).toContain(line);
    // a message that does not name support does not repeat the contacts
    const wrong = await text(
      await t.post('/iniciar-sesion', { identificador: DIEGO.username, contrasena: 'no' }),
    );
    expect(/<div class="notice error"[\s\S]*?<\/div>/.exec(wrong)?.[0]).not.toContain('Soporte:');
    // no contacts configured: no footer at all
    const plain = await testApp();
    expect(await text(await plain.get('/iniciar-sesion'))).not.toContain('<footer>');
  });

  it('brand: logo, colours and footer text from the options; the neutral default matches the adapters', async () => {
    const t = await testApp({
      portalName: 'Portal Gasolinera',
      brand: {
        logoUrl: 'https://cdn.example.mx/logo.svg',
        primaryColor: '#1e3a8a',
        accentColor: '#9a3412',
        footerText: 'vamos juntos',
      },
    });
    const res = await t.get('/iniciar-sesion');
    const html = await text(res);
    expect(html).toContain(
      '<a href="/"><img src="https://cdn.example.mx/logo.svg" alt="Portal Gasolinera"/>',
    );
    expect(html).toContain(':root{--primary:#1e3a8a;--accent:#9a3412}');
    expect(html).toContain('<footer><p>vamos juntos</p></footer>');
    expect(html).toContain('<title>Inicio de Sesión · Portal Gasolinera</title>');
    expect(res.headers.get('content-security-policy')).toContain(
      "img-src 'self' data: https://cdn.example.mx",
    );
    // the default: the name as text, the colours every check passed with
    const plain = await text(await (await testApp()).get('/iniciar-sesion'));
    expect(plain).toContain('<a href="/">Portal de Facturación</a>');
    expect(resolveOptions().brand).toEqual(loadConfig({}).brand);
    await expect(testApp({ brand: { ...DEFAULT_BRAND, accentColor: 'red;}' } })).rejects.toThrow(
      /expected #rrggbb/,
    );
  });
});
