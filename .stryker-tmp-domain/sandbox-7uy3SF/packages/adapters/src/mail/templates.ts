import type { EmailMessage, EmailTemplate } from '@renueva/domain';
import { type Brand, DEFAULT_BRAND, NO_SUPPORT, type SupportContacts } from '../brand.js';

export interface RenderOptions {
  /** The portal's name as customers know it. */
  portalName: string;
  /** Where the customer signs in: the emails link to it. */
  publicUrl: string;
  /** Logo, colours, footer line: the pages' own (default: the neutral look). */
  brand?: Brand;
  /** How to reach support, shown in every email (default: none). */
  support?: SupportContacts;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Locale = EmailMessage['locale'];
type Data = EmailMessage['data'] & { code?: string };

/**
 * One email's wording: plain paragraphs. The code, when there is one, comes after them,
 * then the same expiry line in every code email, the customer numbers and the facts.
 */
interface Wording {
  subject: (o: RenderOptions) => string;
  heading: (o: RenderOptions) => string;
  paragraphs: (d: Data, o: RenderOptions) => string[];
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
      heading: (o) => `Bienvenido(a) al nuevo ${o.portalName}`,
      paragraphs: (_d, o) => [
        `Es muy importante para nosotros brindarte el mejor servicio, es por eso que hemos renovado nuestro ${o.portalName}.`,
        'Desde ahora iniciarás sesión con tu correo electrónico. Para terminar la renovación, ingresa este código en el campo «Código» y registra tu nueva contraseña:',
      ],
    },
    renewal_completed: {
      subject: () => 'Tu cuenta fue renovada',
      heading: () => 'Tu cuenta fue renovada',
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
      heading: () => 'Recupera tu contraseña',
      paragraphs: () => [
        'Recibimos una solicitud para recuperar la contraseña de tu cuenta. Ingresa este código en el campo «Código» y registra tu nueva contraseña:',
      ],
    },
    password_changed: {
      subject: () => 'Tu contraseña fue cambiada',
      heading: () => 'Tu contraseña fue cambiada',
      paragraphs: (_d, o) => [
        `La contraseña de tu cuenta del ${o.portalName} acaba de cambiar y cerramos todas tus sesiones abiertas.`,
        'Si no fuiste tú, recupera tu contraseña de inmediato y comunícate con soporte.',
      ],
    },
  },
  en: {
    renewal_code: {
      subject: (o) => `Your ${o.portalName} renewal code`,
      heading: (o) => `Welcome to the new ${o.portalName}`,
      paragraphs: (_d, o) => [
        `Giving you the best service matters to us, which is why we have renewed our ${o.portalName}.`,
        'From now on you will sign in with your email address. To finish the renewal, enter this code in the "Code" field and choose your new password:',
      ],
    },
    renewal_completed: {
      subject: () => 'Your account was renewed',
      heading: () => 'Your account was renewed',
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
      heading: () => 'Recover your password',
      paragraphs: () => [
        'We received a request to recover the password of your account. Enter this code in the "Code" field and choose your new password:',
      ],
    },
    password_changed: {
      subject: () => 'Your password was changed',
      heading: () => 'Your password was changed',
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

const EXPIRES: Record<Locale, (when: string) => string> = {
  'es-MX': (when) => `El código vence el ${when} (hora del centro de México).`,
  en: (when) => `The code expires on ${when} (Mexico City time).`,
};

/** "Soporte: escribe a … o llama al …. Horario de atención: …." — null without contacts. */
const SUPPORT: Record<Locale, (s: SupportContacts) => string | null> = {
  'es-MX': ({ email, phone, hours }) =>
    email || phone
      ? `Soporte: ${[email && `escribe a ${email}`, phone && `llama al ${phone}`].filter(Boolean).join(' o ')}.${hours ? ` Horario de atención: ${hours}.` : ''}`
      : null,
  en: ({ email, phone, hours }) =>
    email || phone
      ? `Support: ${[email && `write to ${email}`, phone && `call ${phone}`].filter(Boolean).join(' or ')}.${hours ? ` Hours: ${hours}.` : ''}`
      : null,
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Escapes `text` for HTML and turns the known addresses in it (the portal's, support's
 * email and phone) into links.
 */
function linkify(
  text: string,
  links: readonly (readonly [shown: string, href: string])[],
  color: string,
) {
  const escaped = escapeHtml(text);
  const known = links.filter(([shown]) => shown).sort((a, b) => b[0].length - a[0].length);
  if (known.length === 0) return escaped;
  const pattern = new RegExp(
    known.map(([shown]) => escapeRegExp(escapeHtml(shown))).join('|'),
    'g',
  );
  return escaped.replace(pattern, (match) => {
    const href = known.find(([shown]) => escapeHtml(shown) === match)?.[1] ?? '';
    return `<a href="${escapeHtml(href)}" style="color:${color}">${match}</a>`;
  });
}

/** Renders an outbox message (with its code, when it has one) into subject, text and HTML. */
export function renderEmail(message: EmailMessage, options: RenderOptions): RenderedEmail {
  const locale = message.locale;
  const brand = options.brand ?? DEFAULT_BRAND;
  const support = options.support ?? NO_SUPPORT;
  const wording = WORDING[locale][message.template];
  const when = (date: Date) => formatters[locale].format(date);
  const data: Data = { ...message.data, code: message.secret?.code };
  const paragraphs = wording.paragraphs(data, options);
  const hasCode = message.template === 'renewal_code' || message.template === 'recovery_code';
  // right under the code, in every email that has one
  const expires = hasCode ? EXPIRES[locale](when(data.expiresAt ?? data.requestedAt)) : null;
  const numbers = data.customerNumbers;
  const customer = `${CUSTOMER[locale][numbers.length > 1 ? 1 : 0]}: ${numbers.join(', ')}`;
  const notYou = hasCode ? NOT_YOU[locale](data, when) : null;
  const supportLine = SUPPORT[locale](support);
  const heading = wording.heading(options);
  const subject = wording.subject(options);

  const text = [
    heading,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(hasCode ? [`    ${data.code ?? ''}`, '', expires as string, ''] : []),
    customer,
    '',
    ...(notYou ? [notYou, ''] : []),
    ...(supportLine ? [supportLine, ''] : []),
    `— ${options.portalName}`,
    options.publicUrl,
    ...(brand.footerText ? [brand.footerText] : []),
  ].join('\n');

  const links = [
    [options.publicUrl, options.publicUrl],
    [support.email ?? '', `mailto:${support.email}`],
    [support.phone ?? '', `tel:${(support.phone ?? '').replace(/[^+0-9]/g, '')}`],
  ] as const;
  const p = (s: string, style = '') =>
    `<p style="margin:0 0 16px${style}">${linkify(s, links, brand.accentColor)}</p>`;
  const masthead = brand.logoUrl
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(options.portalName)}" height="40" style="display:block;height:40px;border:0">`
    : escapeHtml(options.portalName);
  const html = `<!doctype html>
<html lang="${locale === 'es-MX' ? 'es-MX' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#1f2937;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff">
<div style="background:${brand.primaryColor};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold">${masthead}</div>
<div style="padding:24px">
<h1 style="font-size:22px;margin:0 0 16px">${escapeHtml(heading)}</h1>
${paragraphs.map((s) => p(s)).join('\n')}
${hasCode ? `<p style="margin:0 0 16px;font-size:32px;letter-spacing:8px;font-weight:bold;font-family:'Courier New',monospace">${escapeHtml(data.code ?? '')}</p>\n${p(expires as string)}` : ''}
${p(customer, ';font-weight:bold')}
${notYou ? p(notYou, ';font-size:13px;color:#4b5563') : ''}
</div>
<div style="padding:16px 24px;font-size:13px;color:#4b5563;border-top:1px solid #e5e7eb">
${supportLine ? p(supportLine, ';margin-bottom:8px') : ''}
<p style="margin:0">${escapeHtml(options.portalName)} · ${linkify(options.publicUrl, links, brand.accentColor)}${brand.footerText ? `<br>${escapeHtml(brand.footerText)}` : ''}</p>
</div>
</div>
</body>
</html>
`;
  return { subject, text, html };
}
