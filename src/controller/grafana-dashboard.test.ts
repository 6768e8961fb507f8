/**
 * deploy/grafana/aviary-dashboard.json queries only what the controller exports: every panel target
 * and variable query is parsed with Prometheus's own PromQL grammar, and each metric it names must be
 * in the exposition the controller serves on /metrics (its registry behind its HTTP server, after one
 * reconcile's worth of observations), not in a list kept by hand.
 */
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerHttp } from './http-server.js';
import { ControllerMetrics } from './metrics.js';

const DASHBOARD = join(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'aviary-dashboard.json');

interface Target {
  expr?: string;
  refId?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/** Grafana's interval variables as Prometheus would see them once Grafana has substituted them. */
function substituteGrafanaIntervals(query: string): string {
  return query.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
}

/** The metric names a PromQL expression selects; throws on a syntax error. */
function metricNames(promql: string): string[] {
  const tree = parser.parse(promql);
  const names: string[] = [];
  const errors: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: "${promql.slice(node.from, node.to + 10)}"`);
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        if (identifier) names.push(promql.slice(identifier.from, identifier.to));
      }
      if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
        const label = node.node.getChild('LabelName') ?? node.node.getChild('QuotedLabelName');
        if (label && promql.slice(label.from, label.to).replace(/"/g, '') === '__name__') {
          const op = node.node.getChild('MatchOp');
          const value = node.node.getChild('StringLiteral');
          if (!op || !value || promql.slice(op.from, op.to) !== '=') {
            errors.push(`__name__ matched by a pattern: the metric cannot be checked`);
          } else {
            names.push(JSON.parse(promql.slice(value.from, value.to)) as string);
          }
        }
      }
    },
  });
  if (errors.length) throw new Error(`PromQL syntax error in ${promql}: ${errors.join('; ')}`);
  return names;
}

/** Every query of the dashboard: panel targets, and the series selector of label_values() variables. */
function queries(): { where: string; promql: string }[] {
  const found: { where: string; promql: string }[] = [];
  for (const panel of panels) {
    for (const target of panel.targets ?? []) {
      found.push({ where: `panel "${panel.title}" target ${target.refId}`, promql: target.expr ?? '' });
    }
  }
  for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
    const labelValues = /^label_values\((.+),\s*[a-zA-Z_]\w*\)$/.exec(query);
    found.push({ where: `variable $${variable.name}`, promql: labelValues ? labelValues[1]! : query });
  }
  return found.map((q) => ({ ...q, promql: substituteGrafanaIntervals(q.promql) }));
}

let server: Server;
/** Metric names in the controller's exposition, read from its /metrics endpoint. */
let exported: Set<string>;

beforeAll(async () => {
  const metrics = new ControllerMetrics();
  // What one reconcile of one canary in analysis, and one that failed, leave behind.
  metrics.setTotals(new Map([['test', 1]]));
  metrics.observeReconcile('podinfo', 'test', 0.042, 'Progressing', 'Initialized');
  metrics.observeReconcile('podinfo', 'test', 0.05, 'Failed', 'Progressing');
  metrics.observeStatus('podinfo', 'test', {
    phase: 'Progressing',
    canaryWeight: 10,
    failedChecks: 1,
    lastChecks: [
      { name: 'request-success-rate', decision: 'pass', value: 99.9, message: 'ok' },
      { name: 'request-duration', decision: 'fail', value: 812, message: 'too slow' },
    ],
  });
  metrics.setWeight('podinfo', 'test', 90, 10);
  metrics.reconcileFailed('podinfo', 'test');
  server = await startControllerHttp('127.0.0.1:0', metrics.registry, { problems: () => [] });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const response = await fetch(`http://127.0.0.1:${address.port}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  exported = new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]),
  );
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the Grafana dashboard', () => {
  it('queries only metrics the controller exports on /metrics', () => {
    expect(exported).toContain('aviary_canary_phase');
    const unknown: string[] = [];
    let checked = 0;
    for (const { where, promql } of queries()) {
      const names = metricNames(promql);
      expect(names, `${where} selects no metric: ${promql}`).not.toEqual([]);
      for (const name of names) {
        checked++;
        if (!exported.has(name)) unknown.push(`${where}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
    expect(checked).toBeGreaterThan(15);
  });

  it('shows phases, weights, checks, outcomes, reconcile latency and errors', () => {
    const used = new Set(queries().flatMap((q) => metricNames(q.promql)));
    for (const name of [
      'aviary_canary_phase',
      'aviary_canary_weight',
      'aviary_canary_last_checks',
      'aviary_canary_failed_checks',
      'aviary_canary_outcomes_total',
      'aviary_canary_duration_seconds_bucket',
      'aviary_canary_reconcile_errors_total',
    ]) {
      expect(used).toContain(name);
    }
  });

  it('rejects a query naming a metric that is not exported, or broken PromQL', () => {
    expect(metricNames('sum(rate(flagger_canary_total[5m]))')).toEqual(['flagger_canary_total']);
    expect(exported.has('flagger_canary_total')).toBe(false);
    expect(metricNames('{__name__="aviary_canary_phase"} == 1')).toEqual(['aviary_canary_phase']);
    expect(() => metricNames('sum(rate(aviary_canary_total[5m])')).toThrow(/syntax error/);
  });

  it('is a well-formed dashboard: unique panel ids, a datasource variable, panels within 24 columns', () => {
    expect(dashboard.uid).toBe('aviary-controller');
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.find((v) => v.type === 'datasource')).toMatchObject({
      query: 'prometheus',
    });
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type !== 'row') expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });
});
