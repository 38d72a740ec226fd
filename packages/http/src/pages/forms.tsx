import type { Notice, Site } from './layout.js';
import { Layout } from './layout.js';

/** The form fields an error can be about. */
export type Field = 'identificador' | 'contrasena' | 'confirmacion' | 'codigo';

/** `aria-invalid` and the error summary as the description of a field at fault. */
const fault = (field: Field, invalid: readonly Field[], hint?: string) => {
  const bad = invalid.includes(field);
  const describedBy = [bad ? 'error-summary' : null, hint ?? null].filter(Boolean).join(' ');
  return {
    'aria-invalid': bad ? 'true' : undefined,
    'aria-describedby': describedBy || undefined,
  };
};

/** "Correo Electrónico / Usuario": one field for the email or the legacy username. */
function IdentifierField(props: { value: string; invalid: readonly Field[] }) {
  return (
    <>
      <label for="identificador">Correo Electrónico / Usuario</label>
      <input
        id="identificador"
        name="identificador"
        type="text"
        autocomplete="username"
        autocapitalize="none"
        spellcheck={false}
        required
        maxlength={254}
        value={props.value}
        {...fault('identificador', props.invalid)}
      />
    </>
  );
}

/** A password field; the script adds its "Mostrar" button (`data-reveal` names it). */
function PasswordField(props: {
  id: 'contrasena' | 'confirmacion';
  label: string;
  /** "Mostrar contraseña", "Mostrar confirmación de contraseña". */
  reveal: string;
  autocomplete: 'current-password' | 'new-password';
  invalid: readonly Field[];
  hint?: string;
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <div class="field">
        <input
          id={props.id}
          name={props.id}
          type="password"
          autocomplete={props.autocomplete}
          required
          maxlength={1024}
          data-reveal={props.reveal}
          {...fault(props.id, props.invalid, props.hint)}
        />
      </div>
    </>
  );
}

const BackToSignIn = () => (
  <p class="links">
    <a href="/iniciar-sesion">Volver a Inicio de Sesión</a>
  </p>
);

export function SignInPage(props: {
  site: Site;
  notice: Notice | null;
  identifier?: string;
  invalid?: readonly Field[];
}) {
  const invalid = props.invalid ?? [];
  return (
    <Layout site={props.site} heading="Inicio de Sesión" notices={[props.notice]}>
      <form method="post" action="/iniciar-sesion">
        <IdentifierField value={props.identifier ?? ''} invalid={invalid} />
        <PasswordField
          id="contrasena"
          label="Contraseña"
          reveal="contraseña"
          autocomplete="current-password"
          invalid={invalid}
        />
        <button type="submit">INICIAR SESIÓN</button>
      </form>
      <p class="links">
        <a href="/recuperacion">¿Deseas recuperar tu contraseña?</a>
      </p>
    </Layout>
  );
}

/**
 * Código + Contraseña + Confirmar Contraseña, for a renewal or a recovery. After an error
 * the code stays in its field; the passwords never come back from the server.
 */
export function CodeForm(props: {
  action: string;
  submit: string;
  minLength: number;
  code: string;
  invalid: readonly Field[];
}) {
  return (
    <form method="post" action={props.action}>
      <label for="codigo">Código</label>
      <input
        id="codigo"
        name="codigo"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]*"
        required
        maxlength={10}
        value={props.code}
        {...fault('codigo', props.invalid)}
      />
      <PasswordField
        id="contrasena"
        label="Contraseña"
        reveal="contraseña"
        autocomplete="new-password"
        invalid={props.invalid}
        hint="contrasena-ayuda"
      />
      <p class="hint" id="contrasena-ayuda">
        Al menos {props.minLength} caracteres. Una frase de varias palabras es fácil de recordar y
        difícil de adivinar; no uses tu usuario, tu correo ni tu número de cliente.
      </p>
      <PasswordField
        id="confirmacion"
        label="Confirmar Contraseña"
        reveal="confirmación de contraseña"
        autocomplete="new-password"
        invalid={props.invalid}
      />
      <button type="submit">{props.submit}</button>
    </form>
  );
}

/** How long until another code may be asked for: seconds, and the same in words. */
export interface ResendWait {
  seconds: number;
  /** "en 45 segundos", "a las 10:15 a. m. (hora del centro de México)". */
  when: string;
}

const RESEND_READY = 'Si no te llega el correo, revisa tu carpeta de spam o pide un nuevo código.';

/**
 * "Reenviar el código". It always submits (the server says when it is too soon); the
 * script disables it and counts down while `wait` lasts.
 */
export function ResendForm(props: { action: string; wait: ResendWait | null }) {
  const { wait } = props;
  return (
    <form method="post" action={props.action}>
      <button
        type="submit"
        class="secondary"
        aria-describedby="reenviar-ayuda"
        data-wait={wait ? String(wait.seconds) : undefined}
        data-ready={RESEND_READY}
      >
        Reenviar el código
      </button>
      <p class="hint" id="reenviar-ayuda">
        {wait ? (
          <>
            Si no te llega el correo, revisa tu carpeta de spam. Podrás pedir un nuevo código{' '}
            <span data-countdown>{wait.when}</span>.
          </>
        ) : (
          RESEND_READY
        )}
      </p>
    </form>
  );
}

/** What the renewal and recovery code pages share. */
interface CodePageProps {
  site: Site;
  notices: readonly (Notice | null)[];
  resendWait: ResendWait | null;
  minLength: number;
  code?: string;
  invalid?: readonly Field[];
}

export function RenewalPage(props: CodePageProps) {
  return (
    <Layout site={props.site} heading="Renovación de Contraseña" notices={props.notices}>
      <CodeForm
        action="/renovacion"
        submit="RENOVAR CONTRASEÑA"
        minLength={props.minLength}
        code={props.code ?? ''}
        invalid={props.invalid ?? []}
      />
      <ResendForm action="/renovacion/reenviar" wait={props.resendWait} />
      <BackToSignIn />
    </Layout>
  );
}

export function RecoveryRequestPage(props: {
  site: Site;
  notice: Notice | null;
  identifier?: string;
  invalid?: readonly Field[];
}) {
  return (
    <Layout site={props.site} heading="Recuperar Contraseña" notices={[props.notice]}>
      <form method="post" action="/recuperacion">
        <IdentifierField value={props.identifier ?? ''} invalid={props.invalid ?? []} />
        <p class="hint">Te enviaremos un código al correo registrado en tu cuenta.</p>
        <button type="submit">ENVIAR CÓDIGO</button>
      </form>
      <BackToSignIn />
    </Layout>
  );
}

export function RecoveryCodePage(props: CodePageProps) {
  return (
    <Layout site={props.site} heading="Recuperar Contraseña" notices={props.notices}>
      <CodeForm
        action="/recuperacion/codigo"
        submit="CAMBIAR CONTRASEÑA"
        minLength={props.minLength}
        code={props.code ?? ''}
        invalid={props.invalid ?? []}
      />
      <ResendForm action="/recuperacion/reenviar" wait={props.resendWait} />
      <p class="links">
        <a href="/recuperacion">Usar otro correo o usuario</a>
      </p>
      <BackToSignIn />
    </Layout>
  );
}

export function AccountPage(props: {
  site: Site;
  loginEmail: string;
  /** The one the customer works on. */
  customerNumber: string;
  customerNumbers: string[];
  notice: Notice | null;
}) {
  const several = props.customerNumbers.length > 1;
  return (
    <Layout site={props.site} heading="Mi Cuenta" notices={[props.notice]}>
      <dl>
        <dt>Correo electrónico (tu usuario)</dt>
        <dd>{props.loginEmail}</dd>
        <dt>{several ? 'Número de cliente con el que trabajas' : 'Número de cliente'}</dt>
        <dd data-testid="active-customer-number">{props.customerNumber}</dd>
      </dl>
      {several && (
        <form method="post" action="/cuenta/numero-de-cliente">
          <fieldset>
            <legend>
              Con tu correo tienes acceso a {props.customerNumbers.length} números de cliente. Elige
              con cuál quieres trabajar:
            </legend>
            {props.customerNumbers.map((n) => (
              <label class="choice">
                <input type="radio" name="numero" value={n} checked={n === props.customerNumber} />{' '}
                {n}
              </label>
            ))}
          </fieldset>
          <button type="submit">USAR ESTE NÚMERO DE CLIENTE</button>
        </form>
      )}
      <form method="post" action="/cerrar-sesion">
        <button type="submit">CERRAR SESIÓN</button>
      </form>
    </Layout>
  );
}

export function MessagePage(props: { site: Site; title: string; notice: Notice }) {
  return (
    <Layout site={props.site} heading={props.title} notices={[props.notice]}>
      <p class="links">
        <a href="/iniciar-sesion">Ir a Inicio de Sesión</a>
      </p>
    </Layout>
  );
}

export function MailboxPage(props: {
  site: Site;
  mails: { id: number; to: string; subject: string; text: string; sentAt: Date }[];
}) {
  return (
    <Layout site={props.site} heading="Buzón de desarrollo">
      <p class="hint">
        Solo en desarrollo: los últimos correos del mailer de consola, el más reciente primero.
      </p>
      {props.mails.length === 0 ? <p>Aún no hay correos.</p> : null}
      {props.mails.map((m) => (
        <article class="mail">
          <strong>{m.subject}</strong>
          <div class="hint">
            Para {m.to} · {m.sentAt.toISOString()} · <a href={`/_dev/mailbox/${m.id}`}>ver HTML</a>
          </div>
          <pre>{m.text}</pre>
        </article>
      ))}
    </Layout>
  );
}
