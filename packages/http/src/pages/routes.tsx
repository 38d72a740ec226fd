import type { DomainError, ValidSession } from '@renueva/domain';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { GATE_FULL, type HashingGate, type Refusal } from '../admission.js';
import type { CookieJar, DoneInfo } from '../cookies.js';
import type { AppDeps, AppOptions } from '../deps.js';
import { errorStatus } from '../error-status.js';
import type { RateLimit } from '../limits.js';
import { errorSpanish, NOT_YOUR_CUSTOMER_NUMBER, whenSpanish } from '../messages.js';
import { requestContext } from '../request-context.js';
import { atSignInFloor } from '../sign-in-floor.js';
import {
  AccountPage,
  type Field,
  MailboxPage,
  RecoveryCodePage,
  RecoveryRequestPage,
  RenewalPage,
  type ResendWait,
  SignInPage,
} from './forms.js';
import type { Notice, Site } from './layout.js';

const FLOW_COOKIE_SECONDS = 3600;

/** "1, 2 y 3" */
const listEs = (items: readonly string[]): string =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} y ${items.at(-1)}`;

/**
 * The seed's success notice, in the portal's tú (docs/decisions/0008-voice-and-brand.md),
 * and what a renewal into a shared login changed.
 */
function renewedNotice(done: DoneInfo | null): Notice {
  const numbers = done?.customerNumbers ?? [];
  return {
    kind: 'success',
    title: 'Realizado',
    text: [
      'Tu correo electrónico ha sido actualizado. Accede de nuevo al portal con tu correo electrónico y tu contraseña.',
      ...(numbers.length > 1
        ? [
            `Con tu correo electrónico ahora tienes acceso a los números de cliente ${listEs(numbers)}.`,
          ]
        : []),
      ...(done?.passwordChanged
        ? [
            'Tu correo electrónico ya era tu usuario del portal: la contraseña que acabas de registrar es ahora la de todos tus números de cliente.',
          ]
        : []),
    ].join(' '),
  };
}

/** The fields an error is about: marked `aria-invalid` and described by the error summary. */
function fieldsAtFault(error: DomainError): Field[] {
  switch (error.code) {
    // which one is wrong is never said
    case 'invalid_credentials':
      return ['identificador', 'contrasena'];
    case 'code_invalid':
    case 'code_expired':
    case 'code_exhausted':
    case 'code_rejected':
      return ['codigo'];
    case 'password_rejected': {
      const mismatch = error.reasons.some((r) => r.kind === 'mismatch');
      const unmet = error.reasons.some((r) => r.kind !== 'mismatch');
      return [
        ...(unmet ? (['contrasena'] as const) : []),
        ...(mismatch ? (['confirmacion'] as const) : []),
      ];
    }
    default:
      return [];
  }
}

/** A code form shown again after a refusal: what was wrong, and the code as typed. */
interface AfterError {
  error?: DomainError;
  code?: string;
}

/** The code as typed, to show it again after an error (never a password). */
const typedCode = (code: string) => code.trim().slice(0, 10);

/** Reads a form field as a string, whatever was sent (a file or nothing become ''). */
async function readForm(c: Context, ...names: string[]): Promise<Record<string, string>> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  // what the browsers' forms send, read as `parseBody` would (a repeated name: its last
  // value) without building a web Response to parse it; anything else through `parseBody`
  const body: Record<string, unknown> =
    type === 'application/x-www-form-urlencoded'
      ? Object.fromEntries(new URLSearchParams(await c.req.text().catch(() => '')))
      : await c.req.parseBody().catch(() => ({}));
  return Object.fromEntries(
    names.map((n) => [n, typeof body[n] === 'string' ? (body[n] as string) : '']),
  );
}

/** The server-rendered, es-MX pages: usable without JavaScript, on a phone. */
export function pageRoutes(
  deps: AppDeps,
  options: AppOptions,
  jar: CookieJar,
  limit: RateLimit,
  gate: HashingGate,
) {
  const app = new Hono();
  const uc = deps.useCases;
  const now = () => deps.clock.now();
  const site: Site = {
    portalName: options.portalName,
    brand: options.brand,
    support: options.support,
  };
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
  const errorNotice = (error: DomainError): Notice => {
    const text = errorSpanish(error, now());
    // wherever a message names support, the page says how to reach it
    return { kind: 'error', title: 'Error', text, support: /\bsoporte\b/i.test(text) };
  };
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
  const resendWait = (c: Context): ResendWait | null => {
    const resendAt = jar.flowInfo(c)?.resendAt;
    const at = resendAt ? new Date(resendAt) : null;
    if (!at || Number.isNaN(at.getTime()) || at <= now()) return null;
    return {
      seconds: Math.ceil((at.getTime() - now().getTime()) / 1000),
      when: whenSpanish(at, now()),
    };
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
    return c.html(<SignInPage site={site} notice={notice} />);
  });

  /**
   * The answer of a full hashing gate: the page of the form again with "busy, try again
   * in a few seconds", a 503 with Retry-After. Nothing of the request was read.
   */
  const refused =
    (page: (c: Context, notice: Notice) => Response | Promise<Response>): Refusal =>
    (c) => {
      c.status(statusOf(c, GATE_FULL));
      return page(c, errorNotice(GATE_FULL));
    };
  // the same bytes for every refused sign-in: rendered once, at the first
  let busySignIn: string | null = null;
  const signInRefused = refused(async (c, notice) => {
    busySignIn ??= await (<SignInPage site={site} notice={notice} />).toString();
    return c.html(busySignIn);
  });

  app.post(
    '/iniciar-sesion',
    gate.admit(signInRefused, { constant: true, paths: ['/iniciar-sesion'] }),
    async (c) => {
      const form = await readForm(c, 'identificador', 'contrasena');
      const identifier = form.identificador ?? '';
      const tooMany = await limited(c, identifier);
      if (tooMany)
        return c.html(<SignInPage site={site} notice={tooMany} identifier={identifier} />);
      const result = await atSignInFloor(
        deps.policies.signInFloorMs,
        () => uc.logIn({ identifier, password: form.contrasena ?? '', context: ctx(c) }),
        () => gate.leave(c),
      );
      if (result.isErr()) {
        c.status(statusOf(c, result.error));
        return c.html(
          <SignInPage
            site={site}
            notice={errorNotice(result.error)}
            identifier={identifier}
            invalid={fieldsAtFault(result.error)}
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
          // no email now (a double submission, the hourly limit): the earlier code stands
          return c.redirect(outcome.emailed ? '/renovacion' : '/renovacion?vigente=1', 303);
        case 'login_is_email':
          return c.html(
            <SignInPage
              site={site}
              notice={{
                kind: 'info',
                title: 'Tu usuario cambió',
                text: `Tu cuenta ya fue renovada: ahora inicias sesión con tu correo electrónico (${outcome.maskedEmail}) y tu contraseña.`,
              }}
            />,
          );
      }
    },
  );

  /**
   * The renewal form. After an error the error comes first, the note of where the code
   * went stays, and the code typed stays in its field.
   */
  const renewalPage = (c: Context, notice: Notice, after?: AfterError) => {
    const masked = jar.flowInfo(c)?.maskedEmail ?? '';
    return c.html(
      <RenewalPage
        site={site}
        notices={
          after
            ? [
                notice,
                {
                  kind: 'info',
                  title: 'Revisa tu correo',
                  text: `Enviamos tu código de renovación de contraseña a tu correo: ${masked}.`,
                },
              ]
            : [notice]
        }
        resendWait={resendWait(c)}
        minLength={minLength}
        code={after?.code}
        invalid={after?.error ? fieldsAtFault(after.error) : []}
      />,
    );
  };

  app.get('/renovacion', (c) => {
    const info = jar.flowInfo(c);
    if (!jar.get(c, 'flow') || info?.kind !== 'renewal') return c.redirect('/iniciar-sesion', 303);
    const masked = info.maskedEmail ?? '';
    if (c.req.query('vigente') !== undefined)
      return renewalPage(c, {
        kind: 'info',
        title: 'Tu código sigue vigente',
        text: `Ya te habíamos enviado un código de renovación de contraseña a tu correo: ${masked}, y sigue vigente, así que no te enviamos otro. Ingrésalo en el campo Código y registra tu nueva contraseña.`,
      });
    const resent = c.req.query('reenviado') !== undefined;
    return renewalPage(c, {
      kind: 'success',
      title: 'Realizado',
      text: resent
        ? `Enviamos un nuevo código de renovación de contraseña a tu correo: ${masked}. El código anterior ya no funciona.`
        : `Enviamos un código de renovación de contraseña a tu correo: ${masked}. Ingrésalo en el campo Código. Una vez ingresado, registra tu nueva contraseña.`,
    });
  });

  app.post('/renovacion', gate.admit(refused(renewalPage)), async (c) => {
    const flowToken = jar.get(c, 'flow');
    if (!flowToken) {
      c.status(400);
      return c.html(<SignInPage site={site} notice={errorNotice({ code: 'flow_invalid' })} />);
    }
    const input = await codeInput(c, flowToken);
    const result = await uc.completeRenewal(input);
    if (result.isOk()) {
      jar.clearFlow(c);
      const { customerNumbers, passwordChanged } = result.value;
      jar.setDone(c, { customerNumbers, passwordChanged });
      return c.redirect('/iniciar-sesion?renovado=1', 303);
    }
    c.status(statusOf(c, result.error));
    return renewalPage(c, errorNotice(result.error), {
      error: result.error,
      code: typedCode(input.code),
    });
  });

  app.post('/renovacion/reenviar', async (c) => {
    const flowToken = jar.get(c, 'flow');
    const info = jar.flowInfo(c);
    if (!flowToken || info?.kind !== 'renewal') return c.redirect('/iniciar-sesion', 303);
    const result = await uc.resendRenewalCode({ flowToken, context: ctx(c) });
    if (result.isErr()) {
      c.status(statusOf(c, result.error));
      return renewalPage(c, errorNotice(result.error), { error: result.error });
    }
    jar.setFlow(
      c,
      flowToken,
      { ...info, resendAt: result.value.resendAvailableAt.toISOString() },
      FLOW_COOKIE_SECONDS,
    );
    return c.redirect('/renovacion?reenviado=1', 303);
  });

  app.get('/recuperacion', (c) => c.html(<RecoveryRequestPage site={site} notice={null} />));

  /**
   * Asks for a recovery code (first time or again) and moves this browser onto the
   * flow. The answer is the same whether or not the account exists.
   */
  const recover = async (c: Context, identifier: string, again: boolean) => {
    const tooMany = await limited(c, identifier);
    if (tooMany)
      return again
        ? recoveryPage(c, tooMany, {})
        : c.html(<RecoveryRequestPage site={site} notice={tooMany} identifier={identifier} />);
    const result = await uc.requestRecovery({ identifier, context: ctx(c) });
    if (result.isErr()) {
      c.status(statusOf(c, result.error));
      return c.html(
        <RecoveryRequestPage
          site={site}
          notice={errorNotice(result.error)}
          identifier={identifier}
          invalid={fieldsAtFault(result.error)}
        />,
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

  /** The recovery form; after an error, as the renewal form (see `renewalPage`). */
  const recoveryPage = (c: Context, notice: Notice, after?: AfterError) =>
    c.html(
      <RecoveryCodePage
        site={site}
        notices={
          after
            ? [
                notice,
                {
                  kind: 'info',
                  title: 'Revisa tu correo',
                  text: 'Si los datos corresponden a una cuenta con correo registrado, te enviamos un código.',
                },
              ]
            : [notice]
        }
        resendWait={resendWait(c)}
        minLength={minLength}
        code={after?.code}
        invalid={after?.error ? fieldsAtFault(after.error) : []}
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
        ? 'Si los datos corresponden a una cuenta con correo registrado, te enviamos un código nuevo; el anterior ya no funciona. Si no te llega en unos minutos, comunícate con soporte.'
        : 'Si los datos corresponden a una cuenta con correo registrado, te enviamos un código. Ingrésalo en el campo Código y registra tu nueva contraseña. Si no te llega en unos minutos, comunícate con soporte.',
      // the same words whether or not a code went out (an address that bounced gets none)
      support: true,
    });
  });

  app.post('/recuperacion/codigo', gate.admit(refused(recoveryPage)), async (c) => {
    const flowToken = jar.get(c, 'flow');
    if (!flowToken) return c.redirect('/recuperacion', 303);
    const input = await codeInput(c, flowToken);
    const result = await uc.completeRecovery(input);
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
    return recoveryPage(c, errorNotice(result.error), {
      error: result.error,
      code: typedCode(input.code),
    });
  });

  app.post('/recuperacion/reenviar', async (c) => {
    const info = jar.flowInfo(c);
    if (!jar.get(c, 'flow') || info?.kind !== 'recovery' || !info.identifier)
      return c.redirect('/recuperacion', 303);
    // the cookie's time answers "too soon" the same way for real and unknown accounts
    if (info.resendAt && new Date(info.resendAt) > now()) {
      const error: DomainError = { code: 'resend_too_soon', retryAt: new Date(info.resendAt) };
      c.status(statusOf(c, error));
      return recoveryPage(c, errorNotice(error), { error });
    }
    return recover(c, info.identifier, true);
  });

  const accountPage = (c: Context, session: ValidSession, notice: Notice | null) =>
    c.html(
      <AccountPage
        site={site}
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
    app.get('/_dev/mailbox', (c) => c.html(<MailboxPage site={site} mails={mailbox.list()} />));
    app.get('/_dev/mailbox.json', (c) => c.json(mailbox.list()));
    app.get('/_dev/mailbox/:id', (c) => {
      const mail = mailbox.list().find((m) => String(m.id) === c.req.param('id'));
      return mail ? c.html(mail.html) : c.notFound();
    });
  }
  return app;
}
