import type { Child } from 'hono/jsx';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif;background:#f4f4f5;color:#1f2937;line-height:1.5}
header{background:#c8102e;color:#fff;padding:14px 20px}
header a{color:#fff;text-decoration:none;font-weight:700;font-size:1.1rem}
main{max-width:440px;margin:24px auto;padding:0 16px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);overflow:hidden}
.card h1{margin:0;background:#c8102e;color:#fff;font-size:1.15rem;padding:12px 20px;text-align:center}
.card .body{padding:20px}
label{display:block;font-weight:600;margin:14px 0 6px}
input{width:100%;padding:12px;border:1px solid #9ca3af;border-radius:6px;font-size:1rem}
input:focus{outline:3px solid #fbbf24;border-color:#b45309}
fieldset{border:1px solid #e5e7eb;border-radius:6px;margin:16px 0 0;padding:4px 14px 8px}
legend{padding:0 4px;font-weight:600}
label.choice{display:flex;align-items:center;gap:10px;font-weight:400;margin:10px 0;cursor:pointer}
label.choice input{width:20px;height:20px;margin:0;padding:0;accent-color:#ea580c}
button{width:100%;margin-top:20px;padding:13px;border:0;border-radius:6px;background:#ea580c;color:#fff;font-weight:700;font-size:1rem;letter-spacing:.03em;cursor:pointer}
button:hover{background:#c2410c}
button.secondary{background:#fff;color:#9a3412;border:1px solid #9a3412;margin-top:12px;font-weight:600;letter-spacing:0}
.links{margin-top:16px;text-align:center}
.links a{color:#9a3412}
.notice{border-radius:6px;padding:12px 14px;margin-bottom:16px}
.notice strong{display:block}
.notice.success{background:#ecfdf5;border:1px solid #059669;color:#065f46}
.notice.error{background:#fef2f2;border:1px solid #dc2626;color:#991b1b}
.notice.info{background:#eff6ff;border:1px solid #2563eb;color:#1e3a8a}
.hint{font-size:.875rem;color:#4b5563;margin:6px 0 0}
dl{margin:0}dt{font-weight:600;margin-top:12px}dd{margin:2px 0 0}
pre{white-space:pre-wrap;background:#f9fafb;border:1px solid #e5e7eb;padding:12px;border-radius:6px;font-size:.85rem}
.mail{border-bottom:1px solid #e5e7eb;padding:12px 0}
`;

export interface Notice {
  kind: 'success' | 'error' | 'info';
  title: string;
  text: string;
}

export function NoticeBox({ notice }: { notice: Notice | null }) {
  if (!notice) return null;
  return (
    <div class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
      <strong>{notice.title}</strong>
      {notice.text}
    </div>
  );
}

export function Layout(props: {
  portalName: string;
  title: string;
  heading: string;
  notice?: Notice | null;
  children: Child;
}) {
  return (
    <html lang="es-MX">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${props.portalName}`}</title>
        <style>{CSS}</style>
      </head>
      <body>
        <header>
          <a href="/">{props.portalName}</a>
        </header>
        <main>
          <section class="card" aria-labelledby="heading">
            <h1 id="heading">{props.heading}</h1>
            <div class="body">
              <NoticeBox notice={props.notice ?? null} />
              {props.children}
            </div>
          </section>
        </main>
      </body>
    </html>
  );
}
