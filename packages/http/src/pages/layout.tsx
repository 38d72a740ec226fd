import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { AppOptions, Brand, SupportContacts } from '../deps.js';
import { SCRIPT } from './script.js';

/** What every page shows of the portal: its name, its look, how to reach support. */
export type Site = Pick<AppOptions, 'portalName' | 'brand' | 'support'>;

/** The body's font stack (the browser test checks that the page really uses it). */
export const FONT_STACK =
  '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif';

// Every text/background pair reaches WCAG AA (4.5:1): the brand colours are checked
// against white when they are configured, the greys and notice colours here.
const stylesheet = (brand: Brand) => `
:root{--primary:${brand.primaryColor};--accent:${brand.accentColor}}
*{box-sizing:border-box}
body{margin:0;font-family:${FONT_STACK};background:#f4f4f5;color:#1f2937;line-height:1.5}
header{background:var(--primary);color:#fff;padding:14px 20px}
header a{color:#fff;text-decoration:none;font-weight:700;font-size:1.1rem}
header img{display:block;height:40px;width:auto;max-width:100%}
main{max-width:440px;margin:24px auto;padding:0 16px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);overflow:hidden}
.card h1{margin:0;background:var(--primary);color:#fff;font-size:1.15rem;padding:12px 20px;text-align:center}
.card .body{padding:20px}
label{display:block;font-weight:600;margin:14px 0 6px}
input{width:100%;padding:12px;border:1px solid #6b7280;border-radius:6px;font-size:1rem;font-family:inherit}
input:focus{outline:3px solid #fbbf24;border-color:#b45309}
input[aria-invalid=true]{border:2px solid #b91c1c}
.field{position:relative}
.field.revealable input{padding-right:6.5rem}
fieldset{border:1px solid #e5e7eb;border-radius:6px;margin:16px 0 0;padding:4px 14px 8px}
legend{padding:0 4px;font-weight:600}
label.choice{display:flex;align-items:center;gap:10px;font-weight:400;margin:10px 0;cursor:pointer}
label.choice input{width:20px;height:20px;margin:0;padding:0;accent-color:var(--accent)}
button{width:100%;margin-top:20px;padding:13px;border:0;border-radius:6px;background:var(--accent);color:#fff;font-weight:700;font-size:1rem;font-family:inherit;letter-spacing:.03em;cursor:pointer}
button:hover{background:color-mix(in srgb,var(--accent) 80%,#000)}
button:focus-visible,a:focus-visible{outline:3px solid #fbbf24;outline-offset:2px}
button.secondary{background:#fff;color:var(--accent);border:1px solid var(--accent);margin-top:12px;font-weight:600;letter-spacing:0}
button.secondary:hover{background:#fff7ed}
button:disabled,button:disabled:hover{background:#f3f4f6;color:#4b5563;border-color:#d1d5db;cursor:not-allowed}
button.reveal{position:absolute;top:2px;right:2px;bottom:2px;width:auto;margin:0;padding:0 12px;border-radius:0 4px 4px 0;background:#fff;color:var(--accent);font-weight:600;letter-spacing:0}
button.reveal:hover{background:#fff;text-decoration:underline}
.links{margin-top:16px;text-align:center}
.links a{color:var(--accent)}
.notice{border-radius:6px;padding:12px 14px;margin-bottom:16px}
.notice strong{display:block}
.notice a{color:inherit}
.notice p{margin:8px 0 0}
.notice.success{background:#ecfdf5;border:1px solid #059669;color:#065f46}
.notice.error{background:#fef2f2;border:1px solid #dc2626;color:#991b1b}
.notice.error:focus{outline:3px solid #991b1b;outline-offset:2px}
.notice.info{background:#eff6ff;border:1px solid #2563eb;color:#1e3a8a}
.hint{font-size:.875rem;color:#4b5563;margin:6px 0 0}
dl{margin:0}dt{font-weight:600;margin-top:12px}dd{margin:2px 0 0}
pre{white-space:pre-wrap;background:#f9fafb;border:1px solid #e5e7eb;padding:12px;border-radius:6px;font-size:.85rem}
.mail{border-bottom:1px solid #e5e7eb;padding:12px 0}
.mail a{color:var(--accent)}
footer{max-width:440px;margin:0 auto 24px;padding:0 16px;text-align:center;font-size:.875rem;color:#374151}
footer p{margin:4px 0}
footer a{color:inherit}
.support a[href^="tel:"]{white-space:nowrap}
`;

export interface Notice {
  kind: 'success' | 'error' | 'info';
  title: string;
  text: string;
  /** The text names support: show how to reach it. */
  support?: boolean;
}

/** The phone as a `tel:` URI: digits and a leading +. */
const telUri = (phone: string) => `tel:${phone.replace(/[^+0-9]/g, '')}`;

/** "Soporte: escribe a … o llama al …. Horario de atención: …." — nothing when there are no contacts. */
export function SupportLine({ support }: { support: SupportContacts }) {
  const { email, phone, hours } = support;
  if (!email && !phone) return null;
  return (
    <p class="support">
      Soporte:{' '}
      {email && (
        <>
          escribe a <a href={`mailto:${email}`}>{email}</a>
        </>
      )}
      {email && phone ? ' o ' : ''}
      {phone && (
        <>
          llama al <a href={telUri(phone)}>{phone}</a>
        </>
      )}
      .{hours ? ` Horario de atención: ${hours}.` : ''}
    </p>
  );
}

/** The error notice is the page's error summary: the script moves the focus to it. */
export function NoticeBox({ notice, support }: { notice: Notice; support: SupportContacts }) {
  const error = notice.kind === 'error';
  return (
    <div
      class={`notice ${notice.kind}`}
      role={error ? 'alert' : 'status'}
      id={error ? 'error-summary' : undefined}
      tabindex={error ? -1 : undefined}
    >
      <strong>{notice.title}</strong>
      {notice.text}
      {notice.support && <SupportLine support={support} />}
    </div>
  );
}

/**
 * Every page: standards mode, the stylesheet and the small script of the forms (both
 * inline, the script allowed by its hash in the Content-Security-Policy), the brand's
 * header and footer, one card whose heading is also the page's title.
 */
export function Layout(props: {
  site: Site;
  heading: string;
  notices?: readonly (Notice | null)[];
  children: Child;
}) {
  const { portalName, brand, support } = props.site;
  const footer = brand.footerText || support.email || support.phone;
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="es-MX">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {/* no favicon: the browser need not ask for one */}
          <link rel="icon" href="data:," />
          <title>{`${props.heading} · ${portalName}`}</title>
          <style>{raw(stylesheet(brand))}</style>
        </head>
        <body>
          <header>
            <a href="/">
              {brand.logoUrl ? <img src={brand.logoUrl} alt={portalName} /> : portalName}
            </a>
          </header>
          <main>
            <section class="card" aria-labelledby="heading">
              <h1 id="heading">{props.heading}</h1>
              <div class="body">
                {(props.notices ?? []).map((n) => n && <NoticeBox notice={n} support={support} />)}
                {props.children}
              </div>
            </section>
          </main>
          {footer && (
            <footer>
              {brand.footerText && <p>{brand.footerText}</p>}
              <SupportLine support={support} />
            </footer>
          )}
          <script>{raw(SCRIPT)}</script>
        </body>
      </html>
    </>
  );
}
