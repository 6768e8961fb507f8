import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AlertProvider, MetricTemplate } from '../api/types.js';
import { makeClients } from '../kube/client.js';
import { canaryFor } from '../targets/kubernetes/testing/fixtures.js';
import { kubePortsFactory } from './kube-ports.js';

/** Clients that are never called: the refusals below come before any request. */
function unusedClients() {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'none', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'none' }],
    contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
    currentContext: 'none',
  });
  return makeClients(config);
}

const template = { metadata: { name: 'latency', namespace: 'shared' } } as MetricTemplate;
const provider = {
  metadata: { name: 'on-call', namespace: 'shared' },
  spec: { type: 'slack' },
} as AlertProvider;
const lookups = {
  metricTemplate: (ns: string, name: string) =>
    ns === 'shared' && name === 'latency' ? template : undefined,
  alertProvider: (ns: string, name: string) => (ns === 'shared' && name === 'on-call' ? provider : undefined),
};

const logged: string[] = [];

describe("-no-cross-namespace-refs (Flagger): only references in the Canary's namespace", () => {
  const canary = canaryFor('shop', 'podinfo', {
    analysis: {
      interval: '1m',
      threshold: 5,
      stepWeight: 10,
      alerts: [{ name: 'page', providerRef: { name: 'on-call', namespace: 'shared' } }],
    },
  });
  const portsFor = (noCrossNamespaceRefs: boolean) =>
    kubePortsFactory({
      clients: unusedClients(),
      metricsServer: 'http://prometheus:9090',
      meshProvider: 'istio',
      log: pino({ level: 'silent' }),
      alertLog: pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) }),
      noCrossNamespaceRefs,
    })(canary, lookups as never);

  it('refuses a MetricTemplate and an AlertProvider of another namespace, naming them and the fix', async () => {
    const ports = portsFor(true);
    await expect(ports.templates!.template('shared', 'latency')).rejects.toThrow(
      'MetricTemplate shared/latency: cross-namespace references are not allowed (--no-cross-namespace-refs) — put the MetricTemplate in shop',
    );
    await ports.notifier.notify({
      canary,
      severity: 'info',
      message: 'New revision detected',
      phase: 'Progressing',
      canaryWeight: 0,
    });
    expect(logged.join('\n')).toMatch(
      /alert not sent: cannot read alert provider shared\/on-call: AlertProvider shared\/on-call: cross-namespace references are not allowed/,
    );
  });

  it('allows them by default, as Flagger', async () => {
    await expect(portsFor(false).templates!.template('shared', 'latency')).resolves.toBe(template);
  });
});
