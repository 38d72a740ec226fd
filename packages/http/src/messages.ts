import type { DomainError, PasswordProblem } from '@renueva/domain';

const ZONE = 'America/Mexico_City';
const clock = new Intl.DateTimeFormat('es-MX', { timeStyle: 'short', timeZone: ZONE });
const day = new Intl.DateTimeFormat('es-MX', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: ZONE,
});

/** "en 45 segundos", "a las 10:15 a.m.", or a full date when it is far away. */
export function whenSpanish(at: Date, now: Date): string {
  const seconds = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
  if (seconds < 120) return `en ${seconds} ${seconds === 1 ? 'segundo' : 'segundos'}`;
  if (seconds < 12 * 3600) return `a las ${clock.format(at)} (hora del centro de México)`;
  return `el ${day.format(at)} (hora del centro de México)`;
}

export function passwordProblemSpanish(p: PasswordProblem): string {
  switch (p.kind) {
    case 'too_short':
      return `Debe tener al menos ${p.min} caracteres.`;
    case 'too_long':
      return `Debe tener como máximo ${p.max} caracteres.`;
    case 'mismatch':
      return 'La confirmación no coincide con la contraseña.';
    case 'contains_personal_data':
      return {
        username: 'No debe contener tu usuario.',
        email: 'No debe contener tu correo electrónico.',
        customer_number: 'No debe contener tu número de cliente.',
      }[p.what];
    case 'too_common':
      return `Es demasiado común o fácil de adivinar.${p.feedback ? ` ${p.feedback}` : ''}`;
  }
}

/** The answer to choosing a customer number the signed-in login does not open. */
export const NOT_YOUR_CUSTOMER_NUMBER =
  'Ese número de cliente no pertenece a tu cuenta. Elige uno de la lista.';

/** A clear Spanish message for every domain error (the customer's language). */
export function errorSpanish(error: DomainError, now: Date): string {
  switch (error.code) {
    case 'invalid_credentials':
      return 'Usuario o contraseña incorrectos.';
    case 'throttled':
      return error.retryAt
        ? `Demasiados intentos. Por seguridad, inténtalo de nuevo ${whenSpanish(error.retryAt, now)}.`
        : 'Por seguridad bloqueamos el inicio de sesión con contraseña de esta cuenta. Recupera tu contraseña o comunícate con soporte.';
    case 'no_deliverable_email':
      return 'No podemos enviarte el código: tu cuenta no tiene registrado un correo electrónico válido, o ese correo rechazó nuestros mensajes. Comunícate con soporte para actualizarlo.';
    case 'flow_invalid':
      return 'Tu solicitud de código ya no es válida. Solicita un código nuevo.';
    case 'code_invalid':
      return `El código es incorrecto. ${error.attemptsLeft === 1 ? 'Te queda 1 intento' : `Te quedan ${error.attemptsLeft} intentos`} con este código.`;
    case 'code_expired':
      return 'El código ya venció. Solicita uno nuevo.';
    case 'code_exhausted':
      return 'Ingresaste un código incorrecto demasiadas veces. Solicita un código nuevo.';
    case 'code_rejected':
      return 'El código no es válido o ya venció. Revisa el último correo que te enviamos o solicita un código nuevo.';
    case 'resend_too_soon':
      return `Ya te enviamos un código hace poco. Podrás solicitar otro ${whenSpanish(error.retryAt, now)}.`;
    case 'password_rejected': {
      // a typo in the confirmation is not a requirement the password failed
      const unmet = error.reasons.filter((r) => r.kind !== 'mismatch');
      const mismatch = unmet.length < error.reasons.length;
      if (unmet.length === 0)
        return 'La confirmación no coincide con la contraseña. Escribe la misma contraseña en los dos campos.';
      return `La contraseña no cumple los requisitos: ${unmet.map(passwordProblemSpanish).join(' ')}${mismatch ? ' Además, la confirmación no coincide con la contraseña.' : ''}`;
    }
    case 'session_invalid':
      return 'Tu sesión terminó. Inicia sesión de nuevo.';
    case 'conflict':
      return 'Tu solicitud ya fue procesada. Si ya renovaste tu contraseña, inicia sesión con tu correo electrónico.';
    case 'busy':
      return 'El servicio está ocupado en este momento. Inténtalo de nuevo en unos segundos.';
    case 'invalid_input':
      return `Dato no válido (${error.field}): ${error.message}.`;
    case 'not_found':
      return 'No encontramos lo que buscas.';
    case 'already_migrated':
      return 'La cuenta ya fue renovada.';
  }
}

/** What the transport refuses before any use case runs (pages and API alike). */
export const REQUEST_REFUSED = {
  payload_too_large: 'La solicitud es demasiado grande.',
  unsupported_media_type:
    'El cuerpo de la solicitud debe ser JSON (Content-Type: application/json).',
  method_not_allowed: 'Esta dirección no admite ese método de solicitud.',
  unavailable: 'El portal no está disponible por el momento. Inténtalo de nuevo en un momento.',
} as const;

/** Seconds a client is told to wait when the store does not answer. */
export const UNAVAILABLE_RETRY_SECONDS = 5;
