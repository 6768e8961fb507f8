/**
 * What a user following Flagger's docs has in the namespace before applying one of its Canaries: the
 * target workload (podinfo, from the tutorials' kustomize/podinfo, here examples/kubernetes/podinfo.yaml;
 * a DaemonSet as in Flagger's test/workloads), the autoscaler it names (the tutorials' HPA, the KEDA
 * ScaledObject of test/keda), the ingress, route, upstream and gateways it refers to (shapes from the
 * tutorial or e2e script each Canary comes from), and the MetricTemplates and AlertProviders it names.
 * Everything in the Canary's namespace (relocate.ts moved the references there). Pods are run by KWOK.
 */
import { podinfoWorkload } from '../e2e/support/manifests.js';
import type { KubeObject } from '../cluster/objects.js';
import { userIngressSpec } from '../routers/user-ingress.js';

type Json = Record<string, unknown>;
interface Ref {
  apiVersion?: string;
  kind?: string;
  name: string;
  namespace?: string;
  group?: string;
  port?: number;
}
interface CanarySpec {
  provider?: string;
  targetRef: Ref;
  autoscalerRef?: Ref & { primaryScalerQueries?: Record<string, string> };
  ingressRef?: Ref;
  routeRef?: Ref;
  upstreamRef?: Ref;
  service?: { name?: string; port?: number; gateways?: string[]; gatewayRefs?: Ref[] };
  analysis?: {
    metrics?: { templateRef?: Ref }[];
    alerts?: { providerRef: Ref }[];
  };
}

export function userObjects(canary: Json, namespace: string, alertSink: string): KubeObject[] {
  const spec = canary.spec as CanarySpec;
  const target = spec.targetRef.name;
  const apex = spec.service?.name ?? target;
  const port = spec.service?.port ?? 9898;
  const meta = (name: string, labels?: Record<string, string>) => ({
    name,
    namespace,
    ...(labels ? { labels } : {}),
  });
  const objects: KubeObject[] = [workload(spec.targetRef, namespace)];

  const scaler = spec.autoscalerRef;
  if (scaler?.kind === 'HorizontalPodAutoscaler') {
    const hpa = podinfoWorkload(namespace).find((o) => o.kind === 'HorizontalPodAutoscaler');
    objects.push({
      ...hpa,
      metadata: meta(scaler.name),
      spec: {
        ...(hpa?.spec as Json),
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      },
    });
  } else if (scaler?.kind === 'ScaledObject') {
    // test/keda/test-scaledobject.sh's ScaledObject; the KEDA tutorial's (the Canary that sets
    // primaryScalerQueries) names its trigger inside the trigger's metadata, as written there
    const [queryName] = Object.keys(scaler.primaryScalerQueries ?? {});
    objects.push({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: meta(scaler.name),
      spec: {
        scaleTargetRef: { name: target },
        pollingInterval: 10,
        cooldownPeriod: 20,
        minReplicaCount: 1,
        maxReplicaCount: 3,
        triggers: [
          {
            type: 'prometheus',
            metricType: 'AverageValue',
            metadata: {
              ...(queryName ? { name: queryName } : {}),
              serverAddress: 'http://flagger-prometheus.flagger-system:9090',
              metricName: 'http_requests_total',
              query: `sum(rate(http_requests_total{ app="${target}" }[30s]))`,
              threshold: '5',
            },
          },
        ],
      },
    });
  }

  if (spec.ingressRef) {
    // the nginx and skipper tutorials' Ingress (networking.k8s.io/v1, whatever apiVersion the ref says:
    // extensions/v1beta1 Ingresses are gone since Kubernetes 1.22)
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { ...meta(spec.ingressRef.name, { app: target }) },
      spec: userIngressSpec(apex, port, spec.provider === 'skipper' ? 'skipper' : 'nginx'),
    });
  }

  if (spec.routeRef?.kind === 'ApisixRoute') {
    // test/apisix/test-canary.sh's ApisixRoute
    objects.push({
      apiVersion: 'apisix.apache.org/v2',
      kind: 'ApisixRoute',
      metadata: meta(spec.routeRef.name),
      spec: {
        http: [
          {
            name: 'method',
            match: { hosts: ['app.example.com'], methods: ['GET'], paths: ['/*'] },
            backends: [{ serviceName: apex, servicePort: port }],
            plugins: [{ name: 'prometheus', enable: true, config: { disable: false, prefer_name: true } }],
          },
        ],
      },
    });
  }

  if (spec.upstreamRef) {
    // test/gloo/test-canary.sh's config-upstream: settings Flagger copies onto the Upstreams it writes
    objects.push({
      apiVersion: 'gloo.solo.io/v1',
      kind: 'Upstream',
      metadata: meta(spec.upstreamRef.name),
      spec: {
        static: { hosts: [{ addr: 'example.com', port: 80 }] },
        connectionConfig: { connectTimeout: '2s', maxRequestsPerConnection: 51 },
        loadBalancerConfig: {
          roundRobin: { slowStartConfig: { slowStartWindow: '2m', minWeightPercent: 5 } },
        },
      },
    });
  }

  for (const ref of spec.service?.gatewayRefs ?? []) {
    if (ref.kind === 'Service') {
      // Linkerd's GAMMA parent: the apex Service is Aviary's own; any other is the user's
      if (ref.name !== apex)
        objects.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(ref.name),
          spec: {
            selector: { app: ref.name },
            ports: [{ name: 'http', port: ref.port ?? 80, targetPort: 'http' }],
          },
        });
    } else {
      // the Gateway API tutorial's Gateway
      objects.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: meta(ref.name),
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            {
              name: 'http',
              hostname: '*.example.com',
              port: 80,
              protocol: 'HTTP',
              allowedRoutes: { namespaces: { from: 'All' } },
            },
          ],
        },
      });
    }
  }

  for (const gateway of spec.service?.gateways ?? []) {
    if (!gateway.includes('/')) continue; // `mesh`
    // the Istio tutorial's public-gateway
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: meta(gateway.split('/')[1] ?? ''),
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
      },
    });
  }

  const templates = new Set(
    (spec.analysis?.metrics ?? []).flatMap((m) => (m.templateRef ? [m.templateRef.name] : [])),
  );
  for (const name of templates)
    objects.push({
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'MetricTemplate',
      metadata: meta(name),
      spec: {
        provider: { type: 'prometheus', address: 'http://prometheus.istio-system:9090' },
        query: `sum(rate(istio_requests_total{destination_workload_namespace="{{ namespace }}",destination_workload="{{ target }}"}[{{ interval }}]))`,
      },
    });

  for (const { providerRef } of spec.analysis?.alerts ?? [])
    objects.push({
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'AlertProvider',
      metadata: meta(providerRef.name),
      spec: { type: alertType(providerRef.name), address: `${alertSink}/${namespace}/${providerRef.name}` },
    });

  return objects;
}

function workload(ref: Ref, namespace: string): KubeObject {
  if (ref.kind === 'Service' && ref.apiVersion?.startsWith('serving.knative.dev/'))
    // the Knative tutorial's Service
    return {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: ref.name, namespace },
      spec: {
        template: {
          spec: {
            containers: [
              {
                image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
                ports: [{ containerPort: 9898, protocol: 'TCP' }],
                command: ['./podinfo', '--port=9898', '--port-metrics=9797', '--grpc-port=9999'],
              },
            ],
          },
        },
      },
    };
  const labelled = <T>(value: T, from: string, to: string): T =>
    JSON.parse(JSON.stringify(value).replaceAll(`"${from}"`, `"${to}"`)) as T;
  if (ref.kind === 'DaemonSet') {
    // Flagger's test/workloads/daemonset.yaml: podinfo's pod, selected by app.kubernetes.io/name
    const deployment = podinfoWorkload(namespace).find((o) => o.kind === 'Deployment') as KubeObject & {
      spec: { template: { spec: Json } };
    };
    const labels = { 'app.kubernetes.io/name': ref.name };
    return {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: ref.name, namespace, labels },
      spec: {
        minReadySeconds: 5,
        revisionHistoryLimit: 5,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: deployment.spec.template.spec },
      },
    };
  }
  const deployment = podinfoWorkload(namespace).find((o) => o.kind === 'Deployment');
  if (!deployment) throw new Error('examples/kubernetes/podinfo.yaml holds no Deployment');
  // podinfo, renamed after the target (its app label too), in apps/v1 whatever the ref's apiVersion says
  return labelled(
    { ...deployment, metadata: { ...deployment.metadata, name: ref.name } },
    'podinfo',
    ref.name,
  );
}

/** The tutorials name their providers after the service: dev-slack, qa-discord, on-call-msteams. */
function alertType(name: string): string {
  const type = ['slack', 'discord', 'msteams', 'rocket', 'gchat'].find((t) => name.includes(t));
  if (!type) throw new Error(`no alert provider type for "${name}"`);
  return type;
}
