/**
 * The scenarios' objects come from examples/kubernetes (the tutorial a user follows), moved to the
 * scenario's namespace and sped up: a 1 s analysis interval, webhooks pointed at the local receiver, and
 * the ingress gateway of the test's own Istio namespace.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../cluster/objects.js';

export const EXAMPLES = fileURLToPath(new URL('../../../examples/kubernetes/', import.meta.url));

export function readManifests(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(`${EXAMPLES}${file}`, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

type Json = Record<string, unknown>;

/** podinfo's Deployment and HPA from examples/kubernetes/podinfo.yaml, in `namespace`. */
export function podinfoWorkload(namespace: string): KubeObject[] {
  return readManifests('podinfo.yaml')
    .filter((o) => o.kind !== 'Namespace')
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
}

export interface CanaryOverrides {
  /** Merged over spec.analysis (webhooks are rewritten to the receiver first). */
  analysis?: Json;
  /** Merged over spec.service. */
  service?: Json;
  /** Merged over spec. */
  spec?: Json;
}

/** The tutorial's gateway, replaced by the test's own (see World.publicGateway). */
export const TUTORIAL_GATEWAY = 'public-gateway.istio-system.svc.cluster.local';

/**
 * examples/kubernetes/podinfo-canary.yaml in `namespace`, analysing every second, its webhooks calling
 * `<receiverUrl>/hooks/<namespace>/<webhook name>`, its gateway `publicGateway`.
 */
export function podinfoCanary(
  namespace: string,
  { receiverUrl, publicGateway }: { receiverUrl: string; publicGateway: string },
  overrides: CanaryOverrides = {},
): KubeObject {
  const [canary] = readManifests('podinfo-canary.yaml');
  if (!canary) throw new Error('examples/kubernetes/podinfo-canary.yaml holds no Canary');
  const spec = canary.spec as Json & {
    analysis: Json & { webhooks?: Json[] };
    service: Json & { gateways?: string[] };
  };
  const webhooks = (spec.analysis.webhooks ?? []).map((hook) => ({
    ...hook,
    url: `${receiverUrl}/hooks/${namespace}/${String(hook.name)}`,
  }));
  return {
    ...canary,
    metadata: { ...canary.metadata, namespace },
    spec: {
      ...spec,
      ...overrides.spec,
      service: {
        ...spec.service,
        gateways: (spec.service.gateways ?? []).map((g) => (g === TUTORIAL_GATEWAY ? publicGateway : g)),
        ...overrides.service,
      },
      analysis: { ...spec.analysis, interval: '1s', webhooks, ...overrides.analysis },
    },
  };
}

export function setImage(objects: KubeObject[], image: string): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== 'Deployment') return o;
    const copy = structuredClone(o) as KubeObject & {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    for (const c of copy.spec.template.spec.containers) c.image = image;
    return copy;
  });
}

/**
 * Deployments whose pods never become ready: the dev cluster's KWOK keeps a pod labelled
 * `aviary.dev/test-never-ready: "true"` Running with Ready=False (docs/dev-cluster.md).
 */
export function neverReady(objects: KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== 'Deployment') return o;
    const copy = structuredClone(o) as KubeObject & {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    copy.spec.template.metadata.labels['aviary.dev/test-never-ready'] = 'true';
    return copy;
  });
}

export function imageOf(deployment: { spec?: unknown } | undefined): string | undefined {
  const spec = deployment?.spec as
    { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
}

export function replicasOf(deployment: { spec?: unknown } | undefined): number | undefined {
  return (deployment?.spec as { replicas?: number } | undefined)?.replicas;
}

/** A one-replica Deployment `name` whose pods (label app=<name>, port 9898) KWOK runs: a scale test's unit. */
export function oneReplicaDeployment(
  name: string,
  namespace: string | undefined,
  image = 'podinfo:1',
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 9898 }] }] },
      },
    },
  };
}

/** An Istio Canary over oneReplicaDeployment(`name`) with no metric and no webhook: it only moves traffic. */
export function plainIstioCanary(name: string, namespace: string | undefined, interval: string): KubeObject {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      provider: 'istio',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      service: { port: 9898 },
      analysis: { interval, threshold: 2, maxWeight: 30, stepWeight: 10 },
    },
  };
}
