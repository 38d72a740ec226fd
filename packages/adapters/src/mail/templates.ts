import type { EmailMessage, EmailTemplate } from '@renueva/domain';

export interface RenderOptions {
  /** The portal's name as customers know it. */
  portalName: string;
  /** Where the customer signs in, for links. */
  publicUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Locale = EmailMessage['locale'];
type Data = EmailMessage['data'] & { code?: string };

/** One email's wording: plain paragraphs; the code and facts are laid out around them. */
interface Wording {
  subject: (o: RenderOptions) => string;
  heading: string;
  paragraphs: (d: Data, o: RenderOptions, when: (date: Date) => string) => string[];
}

const ZONE = 'America/Mexico_City';

const formatters: Record<Locale, Intl.DateTimeFormat> = {
  'es-MX': new Intl.DateTimeFormat('es-MX', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: ZONE,
  }),
  en: new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: ZONE }),
};

const NOT_YOU: Record<Locale, (d: Data, when: (date: Date) => string) => string> = {
  'es-MX': (d, when) =>
    `Solicitado el ${when(d.requestedAt)} (hora del centro de México)${d.requestIp ? ` desde la dirección IP ${d.requestIp}` : ''}. ¿No fuiste tú? Ignora este correo: nadie podrá usar tu cuenta sin el código. Si recibes varios que no pediste, comunícate con soporte.`,
  en: (d, when) =>
    `Requested on ${when(d.requestedAt)} (Mexico City time)${d.requestIp ? ` from IP address ${d.requestIp}` : ''}. Wasn't you? Ignore this email: nobody can use your account without the code. If you keep getting emails you didn't ask for, contact support.`,
};

const WORDING: Record<Locale, Record<EmailTemplate, Wording>> = {
  'es-MX': {
    renewal_code: {
      subject: (o) => `Tu código de renovación del ${o.portalName}`,
      heading: 'Bienvenido(a) al nuevo portal',
      paragraphs: (d, o, when) => [
        `Es muy importante para nosotros brindarte el mejor servicio, es por eso que hemos renovado nuestro ${o.portalName}.`,
        'Desde ahora iniciarás sesión con tu correo electrónico. Para terminar la renovación, ingresa este código en el campo «Código» y registra tu nueva contraseña:',
        `El código vence el ${when(d.expiresAt ?? d.requestedAt)} (hora del centro de México).`,
      ],
    },
    renewal_completed: {
      subject: () => 'Tu cuenta fue renovada',
      heading: 'Tu cuenta fue renovada',
      paragraphs: (d, o) => [
        d.passwordChanged
          ? `Tu cuenta del ${o.portalName} quedó renovada. Tu usuario sigue siendo tu correo electrónico: ${d.loginEmail ?? ''}.`
          : `Tu cuenta del ${o.portalName} quedó renovada. Tu nuevo usuario es tu correo electrónico: ${d.loginEmail ?? ''}.`,
        ...(d.customerNumbers.length > 1
          ? [
              `Con este correo ahora tienes acceso a ${d.customerNumbers.length} números de cliente: ${listEs(d.customerNumbers)}.`,
            ]
          : []),
        ...(d.passwordChanged
          ? [
              'Este correo ya era tu usuario del portal: la contraseña que acabas de registrar reemplaza a la anterior en todos tus números de cliente, y cerramos las sesiones que tenías abiertas. Si no fuiste tú, recupera tu contraseña de inmediato y comunícate con soporte.',
            ]
          : []),
        `Accede de nuevo al portal (${o.publicUrl}) con tu correo electrónico y tu nueva contraseña. Tu usuario anterior ya no sirve para iniciar sesión.`,
      ],
    },
    recovery_code: {
      subject: (o) => `Tu código para recuperar tu contraseña del ${o.portalName}`,
      heading: 'Recupera tu contraseña',
      paragraphs: (d, _o, when) => [
        'Recibimos una solicitud para recuperar la contraseña de tu cuenta. Ingresa este código en el campo «Código» y registra tu nueva contraseña:',
        `El código vence el ${when(d.expiresAt ?? d.requestedAt)} (hora del centro de México).`,
      ],
    },
    password_changed: {
      subject: () => 'Tu contraseña fue cambiada',
      heading: 'Tu contraseña fue cambiada',
      paragraphs: (_d, o) => [
        `La contraseña de tu cuenta del ${o.portalName} acaba de cambiar y cerramos todas tus sesiones abiertas.`,
        'Si no fuiste tú, recupera tu contraseña de inmediato y comunícate con soporte.',
      ],
    },
  },
  en: {
    renewal_code: {
      subject: (o) => `Your ${o.portalName} renewal code`,
      heading: 'Welcome to the new portal',
      paragraphs: (d, o, when) => [
        `Giving you the best service matters to us, which is why we have renewed our ${o.portalName}.`,
        'From now on you will sign in with your email address. To finish the renewal, enter this code in the "Code" field and choose your new password:',
        `The code expires on ${when(d.expiresAt ?? d.requestedAt)} (Mexico City time).`,
      ],
    },
    renewal_completed: {
      subject: () => 'Your account was renewed',
      heading: 'Your account was renewed',
      paragraphs: (d, o) => [
        d.passwordChanged
          ? `Your ${o.portalName} account is renewed. Your user is still your email address: ${d.loginEmail ?? ''}.`
          : `Your ${o.portalName} account is renewed. Your new user is your email address: ${d.loginEmail ?? ''}.`,
        ...(d.customerNumbers.length > 1
          ? [
              `This email now opens ${d.customerNumbers.length} customer numbers: ${d.customerNumbers.join(', ')}.`,
            ]
          : []),
        ...(d.passwordChanged
          ? [
              'This email already was your user on the portal: the password you just chose replaces the old one for all your customer numbers, and we signed out your open sessions. If this was not you, recover your password right away and contact support.',
            ]
          : []),
        `Sign in again (${o.publicUrl}) with your email address and your new password. Your old username no longer signs you in.`,
      ],
    },
    recovery_code: {
      subject: (o) => `Your ${o.portalName} password recovery code`,
      heading: 'Recover your password',
      paragraphs: (d, _o, when) => [
        'We received a request to recover the password of your account. Enter this code in the "Code" field and choose your new password:',
        `The code expires on ${when(d.expiresAt ?? d.requestedAt)} (Mexico City time).`,
      ],
    },
    password_changed: {
      subject: () => 'Your password was changed',
      heading: 'Your password was changed',
      paragraphs: (_d, o) => [
        `The password of your ${o.portalName} account just changed and we signed out all your sessions.`,
        'If this was not you, recover your password right away and contact support.',
      ],
    },
  },
};

const CUSTOMER: Record<Locale, [one: string, many: string]> = {
  'es-MX': ['Número de cliente', 'Números de cliente'],
  en: ['Customer number', 'Customer numbers'],
};

/** "1, 2 y 3": a Spanish list. */
const listEs = (items: readonly string[]): string =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} y ${items.at(-1)}`;

/** Escapes text for HTML: every interpolated value goes through it. */
export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** Renders an outbox message (with its code, when it has one) into subject, text and HTML. */
export function renderEmail(message: EmailMessage, options: RenderOptions): RenderedEmail {
  const locale = message.locale;
  const wording = WORDING[locale][message.template];
  const when = (date: Date) => formatters[locale].format(date);
  const data: Data = { ...message.data, code: message.secret?.code };
  const [first = '', ...rest] = wording.paragraphs(data, options, when);
  const hasCode = message.template === 'renewal_code' || message.template === 'recovery_code';
  const numbers = data.customerNumbers;
  const customer = `${CUSTOMER[locale][numbers.length > 1 ? 1 : 0]}: ${numbers.join(', ')}`;
  const notYou = NOT_YOU[locale](data, when);
  // the code goes right after the paragraph that introduces it
  const body = hasCode ? [first, rest[0] ?? ''] : [first, ...rest];
  const after = hasCode ? rest.slice(1) : [];

  const text = [
    wording.heading,
    '',
    ...body.flatMap((p) => [p, '']),
    ...(hasCode ? [`    ${data.code ?? ''}`, ''] : []),
    ...after.flatMap((p) => [p, '']),
    customer,
    '',
    ...(hasCode ? [notYou, ''] : []),
    `— ${options.portalName}`,
  ].join('\n');

  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const html = `<!doctype html>
<html lang="${locale === 'es-MX' ? 'es-MX' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(wording.subject(options))}</title></head>
<body style="margin:0;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#1f2937;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff">
<div style="background:#c8102e;color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold">${escapeHtml(options.portalName)}</div>
<div style="padding:24px">
<h1 style="font-size:22px;margin:0 0 16px">${escapeHtml(wording.heading)}</h1>
${body.map(p).join('\n')}
${hasCode ? `<p style="margin:0 0 16px;font-size:32px;letter-spacing:8px;font-weight:bold;font-family:'Courier New',monospace">${escapeHtml(data.code ?? '')}</p>` : ''}
${after.map(p).join('\n')}
<p style="margin:0 0 16px;font-weight:bold">${escapeHtml(customer)}</p>
${hasCode ? `<p style="margin:0 0 16px;font-size:13px;color:#6b7280">${escapeHtml(notYou)}</p>` : ''}
</div>
<div style="padding:16px 24px;font-size:12px;color:#6b7280;border-top:1px solid #e5e7eb">${escapeHtml(options.portalName)} · ${escapeHtml(options.publicUrl)}</div>
</div>
</body>
</html>
`;
  return { subject: wording.subject(options), text, html };
}
