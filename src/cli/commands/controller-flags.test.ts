import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { withFlaggerSpelling } from '../flagger-spelling.js';
import { controllerSettings, register, type ControllerFlags } from './controller.js';

/** Parses `aviary controller <args>` as main() does, without starting the controller. */
async function parse(args: string[]): Promise<ControllerFlags> {
  const program = new Command('aviary').exitOverride();
  register(program);
  const controller = program.commands.find((c) => c.name() === 'controller')!;
  controller.action(() => undefined);
  await program.parseAsync(['node', 'aviary', 'controller', ...withFlaggerSpelling(args, controller)]);
  return controller.opts<ControllerFlags>();
}

describe("aviary controller: the flags Flagger users set, in Flagger's spelling", () => {
  it("takes a Flagger Deployment's args unchanged and gives them Flagger's meaning", async () => {
    const flags = await parse([
      '-mesh-provider=nginx',
      '-metrics-server=http://prometheus.monitoring:9090',
      '-include-label-prefix=app.kubernetes.io,team',
      '-selector-labels=app.kubernetes.io/name,app',
      '-ingress-annotations-prefix=custom.ingress.kubernetes.io',
      '-ingress-class=contour-internal',
      '-enable-config-tracking=false',
      '-cluster-name=eu-prod-1',
      '-no-cross-namespace-refs=true',
      '-kubeconfig-qps=50',
      '-kubeconfig-burst=80',
      '-slack-url=https://hooks.slack.com/services/T/B/X',
      '-slack-proxy-url=http://proxy.internal:3128',
    ]);
    expect(flags).toMatchObject({
      meshProvider: 'nginx',
      metricsServer: 'http://prometheus.monitoring:9090',
      kubeconfigQps: 50,
      kubeconfigBurst: 80,
      slackProxyUrl: 'http://proxy.internal:3128',
    });
    expect(controllerSettings(flags)).toEqual({
      routerSettings: {
        ingressAnnotationsPrefix: 'custom.ingress.kubernetes.io',
        ingressClass: 'contour-internal',
        selectorLabels: ['app.kubernetes.io/name', 'app'],
      },
      target: {
        configTracking: false,
        selectorLabels: ['app.kubernetes.io/name', 'app'],
        includeLabelPrefixes: ['app.kubernetes.io', 'team'],
      },
      clusterName: 'eu-prod-1',
      noCrossNamespaceRefs: true,
    });
  });

  it('defaults as Flagger: config tracking on, cross-namespace refs allowed, its selector labels', async () => {
    const settings = controllerSettings(await parse([]));
    expect(settings).toMatchObject({
      target: { configTracking: true, selectorLabels: ['app', 'name', 'app.kubernetes.io/name'] },
      noCrossNamespaceRefs: false,
    });
    expect((await parse(['--no-cross-namespace-refs'])).crossNamespaceRefs).toBe(false);
    expect((await parse(['-no-cross-namespace-refs=false'])).crossNamespaceRefs).toBe(true);
    expect((await parse(['-enable-config-tracking'])).enableConfigTracking).toBe(true);
  });

  it('names the flag and the fix for a bad value', async () => {
    await expect(parse(['-kubeconfig-qps=fast'])).rejects.toThrow(
      '--kubeconfig-qps: "fast" is not a positive whole number',
    );
    await expect(parse(['-enable-config-tracking=maybe'])).rejects.toThrow(
      '--enable-config-tracking: "maybe" is not true or false',
    );
    expect(() => controllerSettings({ selectorLabels: ',' } as ControllerFlags)).toThrow('--selector-labels');
  });
});
