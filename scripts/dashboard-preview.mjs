#!/usr/bin/env node
// A preview of the Grafana dashboard's panels from a short real run: the built portal
// (`renueva serve`, on PostgreSQL when DATABASE_URL is set, else PGlite) is driven by
// simulated customers over HTTP, a real Prometheus scrapes its /metrics, and every
// panel's query of docs/grafana/renueva.json is evaluated by that Prometheus; the answers
// are drawn with uPlot in headless Chromium into docs/screenshots/dashboard-preview.png.
// It is not Grafana (which neither npm nor Debian's archive ships): same queries, same
// layout, a plainer look. Not part of `npm test`. Needs the built packages, Debian's
// chromium and a prometheus binary (PROMETHEUS_BIN; Debian's `prometheus` package).
//
//   npx turbo run build
//   node scripts/with-postgres.mjs node scripts/dashboard-preview.mjs [seconds]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..');
const seconds = Number(process.argv[2] ?? 180);
const { PROMETHEUS_BIN: PROMETHEUS = 'prometheus', KEEP: keep } = process.env;
const ACCOUNTS = 240;
const WEBHOOK_TOKEN = 'preview-webhook-token-0123456789';
const dashboard = JSON.parse(readFileSync(join(root, 'docs/grafana/renueva.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'renueva-dashboard-'));
const children = [];

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function start(command, args, env, log) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: 'pipe' });
  const out = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
  child.on('exit', () => writeFileSync(join(work, log), Buffer.concat(out)));
  children.push(child);
  return child;
}

async function waitFor(url, what) {
  for (let i = 0; i < 240; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(250);
  }
  throw new Error(`${what} did not start (${url})`);
}

const cli = (...args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'packages/cli/bin/renueva.js'), ...args], {
      env: { ...process.env, ...portalEnv },
      stdio: 'inherit',
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`renueva ${args[0]}: ${code}`)),
    );
  });

const port = await freePort();
const metricsPort = await freePort();
const promPort = await freePort();
const base = `http://127.0.0.1:${port}`;
const portalEnv = {
  DATA_DIR: join(work, 'data'),
  PORT: String(port),
  METRICS_PORT: String(metricsPort),
  TRUST_PROXY: 'true',
  POSTMARK_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
  DISPATCH_INTERVAL_MS: '500',
  DEMO_ACCOUNTS: 'false',
  LOG_LEVEL: 'warn',
};

try {
  // legacy accounts to migrate: a few weak schemes, a few without an email
  const rows = ['customer_number,username,email,password_hash'];
  for (let i = 0; i < ACCOUNTS; i++) {
    const email = i % 23 === 7 ? '' : `cliente${i}@correo-preview.mx`;
    rows.push(`${700000 + i},cliente${i},${email},plain:clave-legada-${i}`);
  }
  writeFileSync(join(work, 'accounts.csv'), `${rows.join('\n')}\n`);
  await cli('db', 'migrate');
  await cli('import', join(work, 'accounts.csv'));

  start(
    process.execPath,
    [join(root, 'packages/cli/bin/renueva.js'), 'serve'],
    portalEnv,
    'portal.log',
  );
  await waitFor(`${base}/healthz`, 'the portal');
  writeFileSync(
    join(work, 'prometheus.yml'),
    `global: { scrape_interval: 2s, evaluation_interval: 2s }\nscrape_configs:\n  - job_name: renueva\n    static_configs: [{ targets: ['127.0.0.1:${metricsPort}'] }]\n`,
  );
  start(
    PROMETHEUS,
    [
      `--config.file=${join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(work, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    {},
    'prometheus.log',
  );
  await waitFor(`http://127.0.0.1:${promPort}/-/ready`, 'Prometheus');
  const from = Date.now() / 1000;

  // customers arrive from many addresses (TRUST_PROXY), each a renewal; some stumble
  let n = 0;
  const api = (path, body, ip) =>
    fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    });
  const codeFor = async (to) => {
    for (let i = 0; i < 40; i++) {
      const mails = await (await fetch(`${base}/_dev/mailbox.json`)).json();
      const mail = mails.filter((m) => m.to === to && /code/.test(m.template)).at(-1);
      const code = mail && /\b(\d{6})\b/.exec(mail.text)?.[1];
      if (code) return code;
      await sleep(250);
    }
    return null;
  };
  async function customer(i) {
    const ip = `198.51.100.${(i % 250) + 1}`;
    const email = `cliente${i}@correo-preview.mx`;
    const password = `una frase nueva y larga ${i}`;
    if (i % 5 === 0)
      await api('/sessions', { identifier: `cliente${i}`, password: 'no-me-acuerdo' }, ip);
    const started = await api(
      '/sessions',
      { identifier: `cliente${i}`, password: `clave-legada-${i}` },
      ip,
    );
    if (started.status !== 200) return; // no email on record: support's case
    const { flowToken } = await started.json();
    const code = await codeFor(email);
    if (!code) return;
    if (i % 4 === 0)
      await api(
        '/renewal/complete',
        {
          flowToken,
          code: code === '000000' ? '111111' : '000000',
          newPassword: password,
          confirmation: password,
        },
        ip,
      );
    if (i % 9 === 3) return; // walks away: stays pending
    await api(
      '/renewal/complete',
      { flowToken, code, newPassword: password, confirmation: password },
      ip,
    );
    await api('/sessions', { identifier: email, password }, ip);
    if (i % 11 === 0) await api('/recovery', { identifier: email }, ip);
    if (i % 17 === 0)
      await fetch(`${base}/webhooks/postmark`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': WEBHOOK_TOKEN },
        body: JSON.stringify({
          RecordType: 'Bounce',
          ID: 4_000_000 + i,
          Type: 'HardBounce',
          TypeCode: 1,
          Name: 'Hard bounce',
          MessageID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
          Email: email,
          BouncedAt: new Date().toISOString(),
          Inactive: true,
          CanActivate: true,
          Description: 'preview',
        }),
      });
  }
  const deadline = Date.now() + seconds * 1000;
  const workers = Array.from({ length: 3 }, async () => {
    while (Date.now() < deadline && n < ACCOUNTS) {
      const i = n++;
      await customer(i).catch((e) => console.error(`customer ${i}: ${e.message}`));
      await fetch(`${base}/no/such/page`).catch(() => undefined);
      // arrivals spread over the run, so the funnel moves over time
      await sleep(Math.max(0, (seconds * 1000 * 3) / ACCOUNTS - 400));
    }
  });
  await Promise.all(workers);
  while (Date.now() < deadline) await sleep(500);
  await sleep(4000); // a last scrape or two
  const to = Date.now() / 1000;

  // every panel's queries, as Grafana would send them
  const step = 4;
  const rateInterval = `${step * 4}s`;
  const query = async (expr) => {
    const q = expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$instance', '.*');
    const url = new URL(`http://127.0.0.1:${promPort}/api/v1/query_range`);
    url.search = new URLSearchParams({
      query: q,
      start: String(from),
      end: String(to),
      step: String(step),
    }).toString();
    const body = await (await fetch(url)).json();
    if (body.status !== 'success') throw new Error(`${q}: ${body.error}`);
    return body.data.result;
  };
  const legend = (format, metric) =>
    format
      ? format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? '')
      : JSON.stringify(metric);
  const panels = [];
  for (const p of dashboard.panels) {
    if (p.type === 'row') {
      panels.push({ type: 'row', title: p.title, gridPos: p.gridPos });
      continue;
    }
    const series = [];
    for (const t of p.targets) {
      for (const r of await query(t.expr))
        series.push({
          name: legend(t.legendFormat, r.metric),
          values: r.values.map(([ts, v]) => [ts, Number(v)]),
        });
    }
    panels.push({
      type: p.type,
      title: p.title,
      unit: p.fieldConfig?.defaults?.unit ?? 'short',
      gridPos: p.gridPos,
      series,
    });
  }

  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Renueva — dashboard preview</title>
<style>${readFileSync(join(root, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8')}
body{margin:0;background:#111217;color:#ccccdc;font:13px system-ui,sans-serif}
header{padding:10px 16px;font-size:16px;border-bottom:1px solid #2a2d35}
header small{color:#8e8e9a;font-size:12px;margin-left:12px}
#grid{position:relative;margin:8px}
.panel{position:absolute;background:#181b1f;border:1px solid #2a2d35;border-radius:3px;box-sizing:border-box;overflow:hidden}
.panel h3{margin:6px 8px 2px;font-size:13px;font-weight:500;color:#d8d9da}
.row{position:absolute;font-size:14px;font-weight:600;color:#d8d9da;padding-top:6px}
.stat{font-size:44px;font-weight:600;color:#73bf69;text-align:center;margin-top:40px}
.uplot .legend{font-size:11px}.u-legend .u-marker{width:8px;height:8px}
</style></head><body><header>Renueva <small>a preview of docs/grafana/renueva.json's panels: each query evaluated by Prometheus over a ${Math.round(to - from)} s run of the built portal (not Grafana)</small></header>
<div id="grid"></div>
<script>${readFileSync(join(root, 'node_modules/uplot/dist/uPlot.iife.min.js'), 'utf8')}</script>
<script>
const panels = ${JSON.stringify(panels)};
const W = 1600 / 24, H = 30;
const colors = ['#73bf69','#f2cc0c','#5794f2','#ff9830','#f2495c','#b877d9','#8ab8ff','#fade2a','#96d98d','#ffa6b0'];
const fmt = (unit, v) => v == null || Number.isNaN(v) ? '–' : unit === 'percentunit' ? (v*100).toFixed(1)+'%' : unit === 's' ? (v < 1 ? (v*1000).toFixed(0)+' ms' : v.toFixed(1)+' s') : unit === 'bytes' ? (v/1048576).toFixed(0)+' MiB' : unit === 'reqps' ? v.toFixed(2)+'/s' : Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
const grid = document.getElementById('grid');
grid.style.height = Math.max(...panels.map(p => (p.gridPos.y + p.gridPos.h) * H)) + 'px';
for (const p of panels) {
  const el = document.createElement('div');
  const g = p.gridPos;
  Object.assign(el.style, { left: g.x * W + 'px', top: g.y * H + 'px', width: g.w * W - 6 + 'px', height: g.h * H - 6 + 'px' });
  if (p.type === 'row') { el.className = 'row'; el.textContent = p.title; grid.append(el); continue; }
  el.className = 'panel';
  el.innerHTML = '<h3></h3>';
  el.querySelector('h3').textContent = p.title;
  grid.append(el);
  if (p.type === 'stat') {
    const s = p.series[0]; const last = s && s.values.filter(([, v]) => !Number.isNaN(v)).at(-1);
    const d = document.createElement('div'); d.className = 'stat'; d.textContent = fmt(p.unit, last ? last[1] : null); el.append(d); continue;
  }
  const times = [...new Set(p.series.flatMap(s => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  if (times.length === 0) { const d = document.createElement('div'); d.className = 'stat'; d.style.fontSize = '16px'; d.style.color = '#8e8e9a'; d.textContent = 'No data'; el.append(d); continue; }
  const data = [times, ...p.series.map(s => { const m = new Map(s.values); return times.map(t => m.has(t) && !Number.isNaN(m.get(t)) ? m.get(t) : null); })];
  new uPlot({
    width: g.w * W - 14, height: g.h * H - 80,
    series: [{}, ...p.series.map((s, i) => ({ label: s.name, stroke: colors[i % colors.length], width: 2, fill: colors[i % colors.length] + '22', value: (u, v) => fmt(p.unit, v) }))],
    axes: [{ stroke: '#8e8e9a', grid: { stroke: '#2a2d35' }, ticks: { stroke: '#2a2d35' } },
           { stroke: '#8e8e9a', grid: { stroke: '#2a2d35' }, ticks: { stroke: '#2a2d35' }, size: 60, values: (u, vs) => vs.map(v => fmt(p.unit, v)) }],
    legend: { live: false },
  }, data, el);
}
</script></body></html>`;
  writeFileSync(join(work, 'preview.html'), html);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1620, height: 900 } });
  await page.setContent(html, { waitUntil: 'load' });
  const out = join(root, 'docs/screenshots/dashboard-preview.png');
  await page.screenshot({ path: out, fullPage: true });
  await browser.close();
  console.log(
    `${panels.length} panels from a ${Math.round(to - from)} s run, ${n} customers: ${out}`,
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await sleep(1500);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
