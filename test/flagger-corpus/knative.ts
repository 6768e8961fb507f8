/**
 * The corpus's Knative Canaries (a targetRef to a serving.knative.dev Service) run under real Knative
 * Serving (test/knative/serving.ts). Their primary is not a `-primary` Deployment but the revision the
 * Service's `flagger.app/primary-revision` annotation records, and their router writes no object of its
 * own: it edits the Service's traffic block.
 */
import type { KubeClients } from '../../src/kube/client.js';
import { KNATIVE_GROUP, KNATIVE_VERSION, PRIMARY_REVISION } from '../../src/routers/knative/index.js';

export function isKnativeTarget(canary: Record<string, unknown>): boolean {
  const target = (canary.spec as { targetRef: { apiVersion?: string; kind: string } }).targetRef;
  return target.kind === 'Service' && (target.apiVersion ?? '').startsWith(`${KNATIVE_GROUP}/`);
}

/** The recorded primary revision, whether Serving marked it Ready, and the Service's traffic block. */
export async function knativePrimary(admin: KubeClients, namespace: string, service: string) {
  const at = { group: KNATIVE_GROUP, version: KNATIVE_VERSION, namespace };
  const { metadata, spec } = (await admin.custom.getNamespacedCustomObject({
    ...at,
    plural: 'services',
    name: service,
  })) as { metadata: { annotations?: Record<string, string> }; spec: { traffic?: unknown[] } };
  const revision = metadata.annotations?.[PRIMARY_REVISION] ?? '';
  const ready = revision
    ? (
        (await admin.custom.getNamespacedCustomObject({ ...at, plural: 'revisions', name: revision })) as {
          status?: { conditions?: { type: string; status: string }[] };
        }
      ).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
    : false;
  return { revision, ready: ready ?? false, traffic: spec.traffic };
}

/**
 * Until Serving has made the Service's first revision Ready (polled every second, at most `timeoutMs`):
 * Flagger's Knative e2e deploys the Service (init.sh) before it applies the Canary (test-canary.sh),
 * whose progressDeadlineSeconds of 60 would otherwise also time Serving on a loaded machine.
 */
export async function untilServiceReady(
  admin: KubeClients,
  namespace: string,
  service: string,
  timeoutMs: number,
) {
  const at = { group: KNATIVE_GROUP, version: KNATIVE_VERSION, namespace };
  const deadline = Date.now() + timeoutMs;
  let last = 'no revision yet';
  while (Date.now() < deadline) {
    const read = (await admin.custom
      .getNamespacedCustomObject({ ...at, plural: 'services', name: service })
      .catch(() => undefined)) as { status?: { latestReadyRevisionName?: string } } | undefined;
    const revision = read?.status?.latestReadyRevisionName;
    if (revision) return revision;
    last = JSON.stringify(read?.status ?? {});
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(
    `Knative Service ${namespace}/${service}: no Ready revision within ${timeoutMs} ms; status ${last}`,
  );
}
