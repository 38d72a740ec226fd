import type { DomainError, ValidSession } from '@renueva/domain';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { CookieJar, DoneInfo } from '../cookies.js';
import type { AppDeps, AppOptions } from '../deps.js';
import { errorStatus } from '../error-status.js';
import type { RateLimit } from '../limits.js';
import { errorSpanish, NOT_YOUR_CUSTOMER_NUMBER, whenSpanish } from '../messages.js';
import { requestContext } from '../request-context.js';
import {
  AccountPage,
  MailboxPage,
  RecoveryCodePage,
  RecoveryRequestPage,
  RenewalPage,
  SignInPage,
} from './forms.js';
import type { Notice } from './layout.js';

const FLOW_COOKIE_SECONDS = 3600;

/** "1, 2 y 3" */
const listEs = (items: readonly string[]): string =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} y ${items.at(-1)}`;

/** The seed's success notice, and what a renewal into a shared login changed. */
function renewedNotice(done: DoneInfo | null): Notice {
  const numbers = done?.customerNumbers ?? [];
  return {
    kind: 'success',
    title: 'Realizado',
    text: [
      'Su correo electrónico ha sido actualizado. Acceda de nuevo al portal con su correo electrónico y su contraseña.',
      ...(numbers.length > 1
        ? [
            `Con su correo electrónico ahora tiene acceso a los números de cliente ${listEs(numbers)}.`,
          ]
        : []),
      ...(done?.passwordChanged
        ? [
            'Su correo electrónico ya era su usuario del portal: la contraseña que acaba de registrar es ahora la de todos sus números de cliente.',
          ]
        : []),
    ].join(' '),
  };
}

/** Reads a form field as a string, whatever was sent (a file or nothing become ''). */
async function readForm(c: Context, ...names: string[]): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  return Object.fromEntries(
    names.map((n) => [n, typeof body[n] === 'string' ? (body[n] as string) : '']),
  );
}

/** The server-rendered, es-MX pages: usable without JavaScript, on a phone. */
export function pageRoutes(deps: AppDeps, options: AppOptions, jar: CookieJar, limit: RateLimit) {
  const app = new Hono();
  const uc = deps.useCases;
  const now = () => deps.clock.now();
  const portalName = options.portalName;
  const minLength = deps.policies.passwordMinLength;
  const ctx = (c: Context) => requestContext(c, options);
  /** The Código / Contraseña / Confirmar Contraseña form, for a renewal or a recovery. */
  const codeInput = async (c: Context, flowToken: string) => {
    const form = await readForm(c, 'codigo', 'contrasena', 'confirmacion');
    return {
      flowToken,
      code: form.codigo ?? '',
      newPassword: form.contrasena ?? '',
      confirmation: form.confirmacion ?? '',
      context: ctx(c),
    };
  };
  const errorNotice = (error: DomainError): Notice => ({
    kind: 'error',
    title: 'Error',
    text: errorSpanish(error, now()),
  });
  const statusOf = (c: Context, error: DomainError) => errorStatus(c, error, now());
  /** Too many requests from this IP or for this identifier: a 429 with Retry-After. */
  const limited = async (c: Context, identifier: string | null): Promise<Notice | null> => {
    const wait = await limit(ctx(c).ip, identifier);
    if (wait === null) return null;
    const error: DomainError = {
      code: 'throttled',
      retryAt: new Date(now().getTime() + wait * 1000),
    };
    c.status(statusOf(c, error));
    return errorNotice(error);
  };
  const resendHint = (resendAt: string | null) => {
    const at = resendAt ? new Date(resendAt) : null;
    return at && at > now()
      ? `Si no te llega el correo, revisa tu carpeta de spam. Podrás pedir un nuevo código ${whenSpanish(at, now())}.`
      : 'Si no te llega el correo, revisa tu carpeta de spam o pide un nuevo código.';
  };

  app.get('/', (c) => c.redirect('/iniciar-sesion', 303));

  app.get('/iniciar-sesion', (c) => {
    const q = c.req.query();
    const notice: Notice | null =
      q.renovado !== undefined
        ? renewedNotice(jar.takeDone(c))
        : q.recuperado !== undefined
          ? {
              kind: 'success',
              title: 'Realizado',
              text: 'Tu contraseña fue actualizada. Inicia sesión con tu correo electrónico y tu nueva contraseña.',
            }
          : q.sesion === 'cerrada'
            ? { kind: 'info', title: 'Sesión cerrada', text: 'Cerraste tu sesión. ¡Hasta pronto!' }
            : null;
    return c.html(<SignInPage portalName={portalName} notice={notice} />);
  });

  app.post('/iniciar-sesion', async (c) => {
    const form = await readForm(c, 'identificador', 'contrasena');
    const identifier = form.identificador ?? '';
    const tooMany = await limited(c, identifier);
    if (tooMany)
      return c.html(
        <SignInPage portalName={portalName} notice={tooMany} identifier={identifier} />,
      );
    const result = await uc.logIn({ identifier, password: form.contrasena ?? '', context: ctx(c) });
    if (result.isErr()) {
      c.status(statusOf(c, result.error));
      return c.html(
        <SignInPage
          portalName={portalName}
          notice={errorNotice(result.error)}
          identifier={identifier}
        />,
      );
    }
    const outcome = result.value;
    switch (outcome.kind) {
      case 'signed_in': {
        const previous = jar.get(c, 'session');
        if (previous) await uc.logOut({ token: previous }); // rotate: never reuse a session id
        jar.set(c, 'session', outcome.sessionToken, deps.policies.sessionAbsoluteSeconds);
        jar.clearFlow(c);
        return c.redirect('/cuenta', 303);
      }
      case 'renewal_started':
        jar.setFlow(
          c,
          outcome.flowToken,
          {
            kind: 'renewal',
            maskedEmail: outcome.maskedEmail,
            identifier: null,
            resendAt: outcome.resendAvailableAt.toISOString(),
          },
          FLOW_COOKIE_SECONDS,
        );
        return c.redirect('/renovacion', 303);
      case 'login_is_email':
        return c.html(
          <SignInPage
            portalName={portalName}
            notice={{
              kind: 'info',
              title: 'Tu usuario cambió',
              text: `Tu cuenta ya fue renovada: ahora inicias sesión con tu correo electrónico (${outcome.maskedEmail}) y tu contraseña.`,
            }}
          />,
        );
    }
  });

  const renewalPage = (c: Context, notice: Notice | null) => {
    const info = jar.flowInfo(c);
    return c.html(
      <RenewalPage
        portalName={portalName}
        notice={notice}
        resendHint={resendHint(info?.resendAt ?? null)}
        minLength={minLength}
      />,
    );
  };

  app.get('/renovacion', (c) => {
    const info = jar.flowInfo(c);
    if (!jar.get(c, 'flow') || info?.kind !== 'renewal') return c.redirect('/iniciar-sesion', 303);
    const resent = c.req.query('reenviado') !== undefined;
    return renewalPage(c, {
      kind: 'success',
      title: 'Realizado',
      text: resent
        ? `Enviamos un nuevo código de renovación de contraseña a tu correo: ${info.maskedEmail ?? ''}. El código anterior ya no funciona.`
        : `Enviamos un código de renovación de contraseña a tu correo: ${info.maskedEmail ?? ''}. Ingrésalo en el campo Código. Una vez ingresado, registra tu nueva contraseña.`,
    });
  });

  app.post('/renovacion', async (c) => {
    const flowToken = jar.get(c, 'flow');
    if (!flowToken) {
      c.status(400);
      return c.html(
        <SignInPage portalName={portalName} notice={errorNotice({ code: 'flow_invalid' })} />,
      );
    }
    const result = await uc.completeRenewal(await codeInput(c, flowToken));
    if (result.isOk()) {
      jar.clearFlow(c);
      const { customerNumbers, passwordChanged } = result.value;
      jar.setDone(c, { customerNumbers, passwordChanged });
      return c.redirect('/iniciar-sesion?renovado=1', 303);
    }
    c.status(statusOf(c, result.error));
    return renewalPage(c, errorNotice(result.error));
  });

  app.post('/renovacion/reenviar', async (c) => {
    const flowToken = jar.get(c, 'flow');
    const info = jar.flowInfo(c);
    if (!flowToken || info?.kind !== 'renewal') return c.redirect('/iniciar-sesion', 303);
    const result = await uc.resendRenewalCode({ flowToken, context: ctx(c) });
    if (result.isErr()) {
      c.status(statusOf(c, result.error));
      return renewalPage(c, errorNotice(result.error));
    }
    jar.setFlow(
      c,
      flowToken,
      { ...info, resendAt: result.value.resendAvailableAt.toISOString() },
      FLOW_COOKIE_SECONDS,
    );
    return c.redirect('/renovacion?reenviado=1', 303);
  });

  app.get('/recuperacion', (c) =>
    c.html(<RecoveryRequestPage portalName={portalName} notice={null} />),
  );

  /**
   * Asks for a recovery code (first time or again) and moves this browser onto the
   * flow. The answer is the same whether or not the account exists.
   */
  const recover = async (c: Context, identifier: string, again: boolean) => {
    const tooMany = await limited(c, identifier);
    if (tooMany)
      return again
        ? recoveryPage(c, tooMany)
        : c.html(<RecoveryRequestPage portalName={portalName} notice={tooMany} />);
    const result = await uc.requestRecovery({ identifier, context: ctx(c) });
    if (result.isErr()) {
      c.status(statusOf(c, result.error));
      return c.html(
        <RecoveryRequestPage portalName={portalName} notice={errorNotice(result.error)} />,
      );
    }
    const resendAt = new Date(
      now().getTime() + deps.policies.resendCooldownSeconds * 1000,
    ).toISOString();
    jar.setFlow(
      c,
      result.value.flowToken,
      { kind: 'recovery', maskedEmail: null, identifier, resendAt },
      FLOW_COOKIE_SECONDS,
    );
    return c.redirect(`/recuperacion/codigo${again ? '?reenviado=1' : ''}`, 303);
  };

  app.post('/recuperacion', async (c) => {
    const form = await readForm(c, 'identificador');
    return recover(c, form.identificador ?? '', false);
  });

  const recoveryPage = (c: Context, notice: Notice | null) =>
    c.html(
      <RecoveryCodePage
        portalName={portalName}
        notice={notice}
        resendHint={resendHint(jar.flowInfo(c)?.resendAt ?? null)}
        minLength={minLength}
      />,
    );

  app.get('/recuperacion/codigo', (c) => {
    if (!jar.get(c, 'flow') || jar.flowInfo(c)?.kind !== 'recovery')
      return c.redirect('/recuperacion', 303);
    const resent = c.req.query('reenviado') !== undefined;
    return recoveryPage(c, {
      kind: 'success',
      title: 'Realizado',
      text: resent
        ? 'Si los datos corresponden a una cuenta con correo registrado, te enviamos un código nuevo; el anterior ya no funciona.'
        : 'Si los datos corresponden a una cuenta con correo registrado, te enviamos un código. Ingrésalo en el campo Código y registra tu nueva contraseña.',
    });
  });

  app.post('/recuperacion/codigo', async (c) => {
    const flowToken = jar.get(c, 'flow');
    if (!flowToken) return c.redirect('/recuperacion', 303);
    const result = await uc.completeRecovery(await codeInput(c, flowToken));
    if (result.isOk()) {
      jar.clearFlow(c);
      jar.clear(c, 'session');
      const { customerNumbers, passwordChanged, migrated } = result.value;
      if (migrated) jar.setDone(c, { customerNumbers, passwordChanged });
      return c.redirect(
        result.value.migrated ? '/iniciar-sesion?renovado=1' : '/iniciar-sesion?recuperado=1',
        303,
      );
    }
    c.status(statusOf(c, result.error));
    return recoveryPage(c, errorNotice(result.error));
  });

  app.post('/recuperacion/reenviar', async (c) => {
    const info = jar.flowInfo(c);
    if (!jar.get(c, 'flow') || info?.kind !== 'recovery' || !info.identifier)
      return c.redirect('/recuperacion', 303);
    // the cookie's time answers "too soon" the same way for real and unknown accounts
    if (info.resendAt && new Date(info.resendAt) > now()) {
      const error: DomainError = { code: 'resend_too_soon', retryAt: new Date(info.resendAt) };
      c.status(statusOf(c, error));
      return recoveryPage(c, errorNotice(error));
    }
    return recover(c, info.identifier, true);
  });

  const accountPage = (c: Context, session: ValidSession, notice: Notice | null) =>
    c.html(
      <AccountPage
        portalName={portalName}
        loginEmail={session.login.email}
        customerNumber={session.customerNumber}
        customerNumbers={session.customerNumbers}
        notice={notice}
      />,
    );

  app.get('/cuenta', async (c) => {
    const token = jar.get(c, 'session');
    const session = token ? await uc.validateSession({ token }) : null;
    if (!session || session.isErr()) {
      if (token) jar.clear(c, 'session');
      return c.redirect('/iniciar-sesion', 303);
    }
    return accountPage(c, session.value, null);
  });

  /** Chooses the customer number to work on, among the login's: kept in the session. */
  app.post('/cuenta/numero-de-cliente', async (c) => {
    const token = jar.get(c, 'session') ?? '';
    const form = await readForm(c, 'numero');
    const result = await uc.selectCustomerNumber({ token, customerNumber: form.numero ?? '' });
    if (result.isOk()) return c.redirect('/cuenta', 303);
    if (result.error.code !== 'not_found') {
      jar.clear(c, 'session');
      return c.redirect('/iniciar-sesion', 303);
    }
    const session = await uc.validateSession({ token });
    if (session.isErr()) return c.redirect('/iniciar-sesion', 303);
    c.status(400);
    return accountPage(c, session.value, {
      kind: 'error',
      title: 'Error',
      text: NOT_YOUR_CUSTOMER_NUMBER,
    });
  });

  app.post('/cerrar-sesion', async (c) => {
    const token = jar.get(c, 'session');
    if (token) await uc.logOut({ token });
    jar.clear(c, 'session');
    return c.redirect('/iniciar-sesion?sesion=cerrada', 303);
  });

  const mailbox = deps.mailbox;
  if (mailbox) {
    app.get('/_dev/mailbox', (c) =>
      c.html(<MailboxPage portalName={portalName} mails={mailbox.list()} />),
    );
    app.get('/_dev/mailbox.json', (c) => c.json(mailbox.list()));
    app.get('/_dev/mailbox/:id', (c) => {
      const mail = mailbox.list().find((m) => String(m.id) === c.req.param('id'));
      return mail ? c.html(mail.html) : c.notFound();
    });
  }
  return app;
}
