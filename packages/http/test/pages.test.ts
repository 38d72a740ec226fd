import { describe, expect, it } from 'vitest';
import { DIEGO, NEW_PASSWORD, testApp } from './setup.js';

const text = async (res: Response) => res.text();

/** Posts the recovery form: the code and the new password, confirmed. */
const enterRecoveryCode = (
  t: Awaited<ReturnType<typeof testApp>>,
  codigo: string,
  password: string,
) => t.post('/recuperacion/codigo', { codigo, contrasena: password, confirmacion: password });

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
    expect(renewal).toContain('Podrás pedir un nuevo código en 60 segundos');

    const done = await t.post('/renovacion', {
      codigo: t.codeFor(),
      contrasena: NEW_PASSWORD,
      confirmacion: NEW_PASSWORD,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/iniciar-sesion?renovado=1');
    const success = await text(await t.get('/iniciar-sesion?renovado=1'));
    expect(success).toContain(
      'Su correo electrónico ha sido actualizado. Acceda de nuevo al portal con su correo electrónico y su contraseña.',
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
    expect(weakHtml).toContain('La confirmación no coincide con la contraseña.');
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

  it('sign-in errors: no deliverable email, email taken, throttled, busy', async () => {
    const t = await testApp();
    const none = await t.post('/iniciar-sesion', {
      identificador: 'SinCorreo',
      contrasena: 'legacy-pass',
    });
    expect(none.status).toBe(422);
    expect(await text(none)).toContain('Comunícate con soporte para actualizarlo.');

    await t.post('/iniciar-sesion', { identificador: 'flotilla01', contrasena: 'legacy-pass' });
    await t.post('/renovacion', {
      codigo: t.codeFor('admin@flotillas.mx'),
      contrasena: NEW_PASSWORD,
      confirmacion: NEW_PASSWORD,
    });
    const taken = await t.post('/iniciar-sesion', {
      identificador: 'flotilla02',
      contrasena: 'legacy-pass',
    });
    expect(taken.status).toBe(409);
    expect(await text(taken)).toContain('ya es el usuario de otra cuenta del portal');

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
