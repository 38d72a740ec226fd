import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { FixedClock } from '@renueva/domain/testing';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../src/index.js';

/** Grafana's own variable syntax, not a template literal. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };
const DASHBOARD = join(import.meta.dirname, '..', '..', '..', 'docs', 'grafana', 'renueva.json');

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string }[] };
};
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const graphs = panels.filter((p) => p.type !== 'row');

/** Every series the app exports, with the labels each carries (a pool, so its gauges register). */
function exported(): Map<string, Set<string>> {
  const metrics = new Metrics({
    store: async () => ({
      accounts: { legacy: 0, pending_renewal: 0, migrated: 0, logins: 0 },
      outbox: { pending: 0, dead: 0, oldestPendingAt: null },
    }),
    hashQueue: () => ({ running: 0, waiting: 0 }),
    pool: { totalCount: 0, idleCount: 0, waitingCount: 0, options: { max: 10 } },
    clock: new FixedClock(new Date('2026-11-26T00:00:00Z')),
    onError: () => undefined,
  });
  const names = new Map<string, Set<string>>();
  for (const m of metrics.registry.getMetricsAsArray()) {
    const { name, type, labelNames } = m as unknown as {
      name: string;
      type: string;
      labelNames: string[];
    };
    const labels = new Set(labelNames);
    if (type === 'histogram') {
      names.set(`${name}_bucket`, new Set([...labels, 'le']));
      names.set(`${name}_sum`, labels);
      names.set(`${name}_count`, labels);
    } else names.set(name, labels);
  }
  return names;
}

/** The expression as Prometheus gets it from Grafana: its variables replaced. */
const substituted = (expr: string) =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.*');

/** The metric names an expression selects, and every label name it uses. */
function selectors(expr: string): { metrics: string[]; labels: string[]; errors: string[] } {
  const tree = parser.parse(expr);
  const found = { metrics: [] as string[], labels: [] as string[], errors: [] as string[] };
  tree.iterate({
    enter(node) {
      const text = expr.slice(node.from, node.to);
      if (node.type.isError) found.errors.push(`at ${node.from}: "${text}"`);
      else if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        found.metrics.push(text);
      else if (node.name === 'LabelName') found.labels.push(text);
    },
  });
  return found;
}

describe('the Grafana dashboard (docs/grafana/renueva.json)', () => {
  const names = exported();

  it('covers the funnel over time, sign-ins, email delivery and saturation', () => {
    expect(dashboard.uid).toBe('renueva');
    const rows = panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Migration funnel', 'Sign-in', 'Email delivery', 'Saturation']);
    const everything = graphs.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    for (const needed of [
      'renueva_accounts',
      'renueva_sign_ins_total',
      'renueva_emails_total',
      'renueva_outbox_pending_messages',
      'renueva_password_hash_queue_depth',
      'renueva_db_pool_connections',
    ])
      expect(everything.some((e) => selectors(substituted(e)).metrics.includes(needed))).toBe(true);
  });

  it('every panel queries the Prometheus variable, has an id of its own and fits the grid', () => {
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance']);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of graphs) {
      expect(p.title, `panel ${p.id}`).not.toBe('');
      expect(p.datasource).toEqual(PROMETHEUS);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (const t of p.targets ?? []) expect(t.datasource).toEqual(PROMETHEUS);
    }
  });

  it('every query parses as PromQL and names only metrics and labels the app exports', () => {
    for (const p of graphs)
      for (const t of p.targets ?? []) {
        const { metrics, labels, errors } = selectors(substituted(t.expr));
        const where = `${p.title} (${t.refId}): ${t.expr}`;
        expect(errors, where).toEqual([]);
        expect(metrics.length, where).toBeGreaterThan(0);
        for (const m of metrics) expect(names.has(m), `${where}: ${m} is not exported`).toBe(true);
        // labels: those of the metrics selected, or the ones Prometheus adds to every target
        const known = new Set([
          'instance',
          'job',
          ...metrics.flatMap((m) => [...(names.get(m) ?? [])]),
        ]);
        for (const l of labels) expect(known.has(l), `${where}: label ${l}`).toBe(true);
      }
  });
});
