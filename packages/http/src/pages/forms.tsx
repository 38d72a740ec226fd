import type { Notice } from './layout.js';
import { Layout } from './layout.js';

/** "Correo Electrónico / Usuario": one field for the email or the legacy username. */
function IdentifierField(props: { value: string }) {
  return (
    <>
      <label for="identificador">Correo Electrónico / Usuario</label>
      <input
        id="identificador"
        name="identificador"
        type="text"
        autocomplete="username"
        required
        maxlength={254}
        value={props.value}
      />
    </>
  );
}

export function SignInPage(props: {
  portalName: string;
  notice: Notice | null;
  identifier?: string;
}) {
  return (
    <Layout
      portalName={props.portalName}
      title="Inicio de Sesión"
      heading="Inicio de Sesión"
      notice={props.notice}
    >
      <form method="post" action="/iniciar-sesion">
        <IdentifierField value={props.identifier ?? ''} />
        <label for="contrasena">Contraseña</label>
        <input
          id="contrasena"
          name="contrasena"
          type="password"
          autocomplete="current-password"
          required
          maxlength={1024}
        />
        <button type="submit">INICIAR SESIÓN</button>
      </form>
      <p class="links">
        <a href="/recuperacion">¿Deseas recuperar tu contraseña?</a>
      </p>
    </Layout>
  );
}

/** Código + Contraseña + Confirmar Contraseña, for a renewal or a recovery. */
export function CodeForm(props: { action: string; submit: string; minLength: number }) {
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
      />
      <label for="contrasena">Contraseña</label>
      <input
        id="contrasena"
        name="contrasena"
        type="password"
        autocomplete="new-password"
        required
        maxlength={1024}
        aria-describedby="contrasena-ayuda"
      />
      <p class="hint" id="contrasena-ayuda">
        Al menos {props.minLength} caracteres. Una frase de varias palabras es fácil de recordar y
        difícil de adivinar; no uses tu usuario, tu correo ni tu número de cliente.
      </p>
      <label for="confirmacion">Confirmar Contraseña</label>
      <input
        id="confirmacion"
        name="confirmacion"
        type="password"
        autocomplete="new-password"
        required
        maxlength={1024}
      />
      <button type="submit">{props.submit}</button>
    </form>
  );
}

export function ResendForm(props: { action: string; hint: string }) {
  return (
    <form method="post" action={props.action}>
      <button type="submit" class="secondary">
        Reenviar el código
      </button>
      <p class="hint">{props.hint}</p>
    </form>
  );
}

export function RenewalPage(props: {
  portalName: string;
  notice: Notice | null;
  resendHint: string;
  minLength: number;
}) {
  return (
    <Layout
      portalName={props.portalName}
      title="Renovación de Contraseña"
      heading="Renovación de Contraseña"
      notice={props.notice}
    >
      <CodeForm action="/renovacion" submit="RENOVAR CONTRASEÑA" minLength={props.minLength} />
      <ResendForm action="/renovacion/reenviar" hint={props.resendHint} />
    </Layout>
  );
}

export function RecoveryRequestPage(props: { portalName: string; notice: Notice | null }) {
  return (
    <Layout
      portalName={props.portalName}
      title="Recuperar contraseña"
      heading="Recuperar Contraseña"
      notice={props.notice}
    >
      <form method="post" action="/recuperacion">
        <IdentifierField value="" />
        <p class="hint">Te enviaremos un código al correo registrado en tu cuenta.</p>
        <button type="submit">ENVIAR CÓDIGO</button>
      </form>
      <p class="links">
        <a href="/iniciar-sesion">Volver a Inicio de Sesión</a>
      </p>
    </Layout>
  );
}

export function RecoveryCodePage(props: {
  portalName: string;
  notice: Notice | null;
  resendHint: string;
  minLength: number;
}) {
  return (
    <Layout
      portalName={props.portalName}
      title="Recuperar contraseña"
      heading="Recuperar Contraseña"
      notice={props.notice}
    >
      <CodeForm
        action="/recuperacion/codigo"
        submit="CAMBIAR CONTRASEÑA"
        minLength={props.minLength}
      />
      <ResendForm action="/recuperacion/reenviar" hint={props.resendHint} />
      <p class="links">
        <a href="/recuperacion">Usar otro correo o usuario</a>
      </p>
    </Layout>
  );
}

export function AccountPage(props: {
  portalName: string;
  loginEmail: string;
  /** The one the customer works on. */
  customerNumber: string;
  customerNumbers: string[];
  notice: Notice | null;
}) {
  const several = props.customerNumbers.length > 1;
  return (
    <Layout
      portalName={props.portalName}
      title="Mi cuenta"
      heading="Mi Cuenta"
      notice={props.notice}
    >
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

export function MessagePage(props: { portalName: string; title: string; notice: Notice }) {
  return (
    <Layout
      portalName={props.portalName}
      title={props.title}
      heading={props.title}
      notice={props.notice}
    >
      <p class="links">
        <a href="/iniciar-sesion">Ir a Inicio de Sesión</a>
      </p>
    </Layout>
  );
}

export function MailboxPage(props: {
  portalName: string;
  mails: { id: number; to: string; subject: string; text: string; sentAt: Date }[];
}) {
  return (
    <Layout portalName={props.portalName} title="Buzón de desarrollo" heading="Buzón de desarrollo">
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
