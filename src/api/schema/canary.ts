/**
 * The Canary spec: Flagger's `flagger.app/v1beta1` field set with its meanings, plus Aviary's additions
 * (marked "Aviary:"), which never change what a Flagger field means. Descriptions end in "Default: X."
 * where a default applies; docs/spec.md and the CRDs are generated from them.
 */
import { Type } from 'typebox';
import {
  CorsPolicy,
  CustomMetadata,
  Document,
  HTTPMatchRequest,
  HTTPRetry,
  Headers,
  LiteralUnion,
  Rewrite,
  duration,
  opaque,
  stringMap,
} from './common.js';
import { LocalRuntime } from './local.js';

export const PROVIDERS = [
  'istio',
  'local',
  'kubernetes',
  'gatewayapi:v1',
  'gatewayapi:v1beta1',
  'nginx',
  'linkerd',
  'contour',
  'apisix',
  'appmesh',
  'appmesh:v1beta2',
  'gloo',
  'knative',
  'kuma',
  'osm',
  'skipper',
  'smi:v1alpha1',
  'smi:v1alpha2',
  'smi:v1alpha3',
  'traefik',
] as const;

export const TargetRef = Type.Object(
  {
    apiVersion: Type.Optional(
      Type.String({
        description:
          'API version of the workload, e.g. apps/v1; v1 for a core Service, serving.knative.dev/v1 for a Knative Service.',
      }),
    ),
    kind: Type.Union([Type.Literal('Deployment'), Type.Literal('DaemonSet'), Type.Literal('Service')], {
      description:
        "Kind of the workload. A core Service is released by copying it to <name>-primary and <name>-canary (no pods are Aviary's); a Knative Service by its revisions.",
    }),
    name: Type.String({ minLength: 1, description: 'Name of the workload in the Canary namespace.' }),
  },
  {
    description:
      'The workload released: Aviary copies it to <name>-primary and scales it to zero between releases (a Service target: see kind).',
  },
);

export const AutoscalerRef = Type.Object(
  {
    apiVersion: Type.Optional(
      Type.String({ description: 'autoscaling/v2 for an HPA, keda.sh/v1alpha1 for KEDA.' }),
    ),
    kind: Type.Union([Type.Literal('HorizontalPodAutoscaler'), Type.Literal('ScaledObject')], {
      description: 'Kind of the autoscaler.',
    }),
    name: Type.String({
      minLength: 1,
      description: 'Name of the autoscaler; a <name>-primary copy targets the primary.',
    }),
    primaryScalerQueries: Type.Optional(
      stringMap(
        'KEDA: trigger name -> query used for the primary ScaledObject instead of the rewritten one.',
      ),
    ),
    primaryScalerReplicas: Type.Optional(
      Type.Object(
        {
          minReplicas: Type.Optional(Type.Integer({ minimum: 0, description: 'Primary minimum replicas.' })),
          maxReplicas: Type.Optional(Type.Integer({ minimum: 1, description: 'Primary maximum replicas.' })),
        },
        { description: "Overrides the primary autoscaler's replica bounds." },
      ),
    ),
  },
  { description: 'The autoscaler of the target, copied for the primary.' },
);

export const CanaryService = Type.Object(
  {
    name: Type.Optional(
      Type.String({
        description:
          'Apex service name; <name>-primary and <name>-canary are derived. Default: targetRef.name.',
      }),
    ),
    port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Port the services expose.' }),
    portName: Type.Optional(Type.String({ description: 'Name of the service port. Default: http.' })),
    targetPort: Type.Optional(
      Type.Unsafe<number | string>({
        'x-kubernetes-int-or-string': true,
        description: 'Container port (number or name) the services send to. Default: port.',
      }),
    ),
    appProtocol: Type.Optional(
      Type.String({ description: 'Service port appProtocol; Istio: tcp makes a TCP route.' }),
    ),
    portDiscovery: Type.Optional(
      Type.Boolean({ description: 'Expose every container port on the generated services. Default: false.' }),
    ),
    headless: Type.Optional(
      Type.Boolean({ description: 'Generate headless services (clusterIP: None). Default: false.' }),
    ),
    timeout: Type.Optional(duration('Request timeout on the route (Istio, Contour, Gateway API, App Mesh).')),
    backendTimeout: Type.Optional(duration('Gateway API only: timeout of the request to the backend.')),
    gateways: Type.Optional(
      Type.Array(Type.String(), { description: 'Istio gateways of the VirtualService. Default: [mesh].' }),
    ),
    gatewayRefs: Type.Optional(
      Type.Array(opaque('Gateway API parentRef.'), {
        description: 'Gateway API: Gateways the HTTPRoute attaches to (required there).',
      }),
    ),
    hosts: Type.Optional(
      Type.Array(Type.String(), { description: 'Hosts of the route; Istio adds the apex service name.' }),
    ),
    delegation: Type.Optional(
      Type.Boolean({
        description: 'Istio: generate a delegate VirtualService (no hosts, no gateways). Default: false.',
      }),
    ),
    trafficPolicy: Type.Optional(opaque('Istio TrafficPolicy for the primary and canary DestinationRules.')),
    match: Type.Optional(
      Type.Array(HTTPMatchRequest, { description: 'Istio HTTPMatchRequest conditions for the route.' }),
    ),
    rewrite: Type.Optional(Rewrite),
    retries: Type.Optional(HTTPRetry),
    headers: Type.Optional(Headers),
    mirror: Type.Optional(
      Type.Array(opaque('Gateway API HTTPRequestMirrorFilter.'), {
        description: 'Gateway API: static request mirrors (independent of analysis.mirror).',
      }),
    ),
    corsPolicy: Type.Optional(CorsPolicy),
    trafficDistribution: Type.Optional(
      Type.String({
        description: 'Service spec.trafficDistribution (PreferClose, PreferSameZone, PreferSameNode).',
      }),
    ),
    meshName: Type.Optional(Type.String({ description: 'App Mesh mesh name.' })),
    backends: Type.Optional(Type.Array(Type.String(), { description: 'App Mesh virtual node backends.' })),
    apex: Type.Optional(CustomMetadata),
    primary: Type.Optional(CustomMetadata),
    canary: Type.Optional(CustomMetadata),
    unmanagedMetadata: Type.Optional(
      Type.Object(
        {
          labels: Type.Optional(Type.Array(Type.String(), { description: 'Label keys.' })),
          annotations: Type.Optional(Type.Array(Type.String(), { description: 'Annotation keys.' })),
        },
        { description: 'Label and annotation keys on the generated services that Aviary leaves to others.' },
      ),
    ),
  },
  { description: 'The services and routing Aviary generates for the target.' },
);

export const ThresholdRange = Type.Object(
  {
    min: Type.Optional(Type.Number({ description: 'Lowest passing value (success rate in %).' })),
    max: Type.Optional(Type.Number({ description: 'Highest passing value (duration in ms).' })),
  },
  { description: 'Range the metric value must stay in to pass.' },
);

/**
 * Aviary: judge the metric against the primary running at the same time, with an anytime-valid
 * sequential test (see README "The statistical judge").
 */
export const PrimaryComparison = Type.Object(
  {
    /** Largest tolerated increase over the primary in the metric's unit (percentage points for error rate, ms for latency). */
    maxIncrease: Type.Optional(
      Type.Number({
        minimum: 0,
        description:
          "Largest tolerated increase over the primary, in the metric's unit (percentage points, ms).",
      }),
    ),
    /** Largest tolerated increase relative to the primary, in percent (latency: 20 = canary p99 at most 20% above primary's). */
    maxIncreasePercent: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'Largest tolerated increase relative to the primary, in percent.',
      }),
    ),
    /** False-alarm probability the test keeps however often it looks. Default 0.05. */
    alpha: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 0.5,
        description: 'False-alarm probability the test keeps however often it looks. Default: 0.05.',
      }),
    ),
    /** Canary requests needed before any verdict; below this the check is inconclusive. Default 100. */
    minSamples: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Canary requests needed before any verdict; fewer is inconclusive. Default: 100.',
      }),
    ),
    /** Latency quantile compared (request-duration). Default 0.99. */
    quantile: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: 'Latency quantile compared (request-duration). Default: 0.99.',
      }),
    ),
  },
  {
    description:
      'Aviary: judge the metric against the primary over the same interval with a sequential test.',
  },
);

export const CanaryMetric = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      description:
        'Metric name; request-success-rate and request-duration are builtins, other names need templateRef or query.',
    }),
    interval: Type.Optional(duration('Window the query covers. Default: 1m.')),
    threshold: Type.Optional(Type.Number({ description: 'Deprecated: use thresholdRange.' })),
    thresholdRange: Type.Optional(ThresholdRange),
    query: Type.Optional(
      Type.String({ description: 'Deprecated inline PromQL run against metricsServer; prefer templateRef.' }),
    ),
    templateRef: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, description: 'MetricTemplate name.' }),
          namespace: Type.Optional(
            Type.String({ description: 'MetricTemplate namespace. Default: the Canary namespace.' }),
          ),
        },
        { description: 'MetricTemplate that holds the query.' },
      ),
    ),
    templateVariables: Type.Optional(stringMap('Values for {{ variables.<key> }} in the template.')),
    /** Aviary: compare with the primary instead of (or besides) thresholdRange. */
    compareWithPrimary: Type.Optional(PrimaryComparison),
    /** Aviary: fewer samples than this in the interval makes the check inconclusive, not pass or fail. */
    minSamples: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Aviary: fewer samples than this in the interval makes the check inconclusive, not pass or fail.',
      }),
    ),
  },
  { description: 'A check run on every analysis tick.' },
);

export const WEBHOOK_TYPES = [
  'confirm-rollout',
  'pre-rollout',
  'rollout',
  'confirm-traffic-increase',
  'confirm-promotion',
  'post-rollout',
  'rollback',
  'event',
] as const;

export const CanaryWebhook = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Webhook name, unique in the Canary.' }),
    type: Type.Optional(
      // "" is in Flagger's enum and means rollout, like an absent type.
      LiteralUnion([...WEBHOOK_TYPES, ''] as const, {
        description:
          'When the hook is called and what its answer means ("" is rollout, as in Flagger). Default: rollout.',
      }),
    ),
    url: Type.String({
      minLength: 1,
      description: 'http(s) URL that receives a JSON POST; status <= 202 is success.',
    }),
    timeout: Type.Optional(duration('Request timeout. Default: 10s.')),
    muteAlert: Type.Optional(
      Type.Boolean({ description: 'Do not alert when a gate hook holds the release. Default: false.' }),
    ),
    metadata: Type.Optional(stringMap('Sent as payload.metadata (the loadtester reads cmd, type, ...).')),
    retries: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10, description: 'Retries after a failed call. Default: 0.' }),
    ),
    disableTLS: Type.Optional(
      Type.Boolean({ description: 'Skip TLS certificate verification. Default: false.' }),
    ),
  },
  { description: 'An HTTP call at a point of the release: a test, a load generator or a gate.' },
);

export const CanaryAlert = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Alert name.' }),
    severity: Type.Optional(
      Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('')], {
        description: 'info receives everything, warn receives warn and error, error only errors.',
      }),
    ),
    providerRef: Type.Object(
      {
        name: Type.String({ minLength: 1, description: 'AlertProvider name.' }),
        namespace: Type.Optional(
          Type.String({ description: 'AlertProvider namespace. Default: the Canary namespace.' }),
        ),
      },
      { description: 'AlertProvider the alert goes to.' },
    ),
  },
  { description: 'A notification target for release events.' },
);

export const SessionAffinity = Type.Object(
  {
    cookieName: Type.String({ minLength: 1, description: 'Cookie that pins a user to the canary.' }),
    primaryCookieName: Type.Optional(
      Type.String({ description: 'Cookie that pins a user to the primary; must differ from cookieName.' }),
    ),
    domain: Type.Optional(Type.String({ description: 'Cookie Domain attribute.' })),
    httpOnly: Type.Optional(Type.Boolean({ description: 'Cookie HttpOnly attribute.' })),
    maxAge: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Canary cookie Max-Age in seconds. Default: 86400.' }),
    ),
    partitioned: Type.Optional(Type.Boolean({ description: 'Cookie Partitioned attribute.' })),
    path: Type.Optional(Type.String({ description: 'Cookie Path attribute.' })),
    sameSite: Type.Optional(
      Type.Union([Type.Literal('Strict'), Type.Literal('Lax'), Type.Literal('None')], {
        description: 'Cookie SameSite attribute.',
      }),
    ),
    secure: Type.Optional(Type.Boolean({ description: 'Cookie Secure attribute.' })),
  },
  { description: 'Sticky canary (Istio, Gateway API): a user sent to the canary once keeps getting it.' },
);

export const CanaryAnalysis = Type.Object(
  {
    interval: Type.Optional(
      duration('Time between analysis ticks; values below 10s are raised to 10s. Default: 60s.'),
    ),
    threshold: Type.Optional(
      Type.Integer({ description: 'Failed checks before rollback; 0 or less means 1. Default: 1.' }),
    ),
    maxWeight: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description: 'Canary weight at which promotion starts (ignored with stepWeights). Default: 100.',
      }),
    ),
    stepWeight: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description: 'Weight added to the canary each tick (canary strategy).',
      }),
    ),
    stepWeights: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 100 }), {
        description: 'Ascending absolute canary weights, e.g. [1, 5, 10, 50]; the last is the maximum.',
      }),
    ),
    stepWeightPromotion: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description:
          'Weight moved back to the primary per tick at promotion; 0 moves all at once. Default: 0.',
      }),
    ),
    iterations: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Analysis ticks of a blue/green release (A/B testing with match).',
      }),
    ),
    match: Type.Optional(
      Type.Array(HTTPMatchRequest, {
        description: 'A/B testing: requests matching any entry go to the canary (Istio HTTPMatchRequest).',
      }),
    ),
    mirror: Type.Optional(
      Type.Boolean({
        description: 'Mirror traffic to the canary (Istio; Gateway API blue/green). Default: false.',
      }),
    ),
    mirrorWeight: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description: 'Istio: percentage of traffic mirrored. Default: 100.',
      }),
    ),
    sessionAffinity: Type.Optional(SessionAffinity),
    primaryReadyThreshold: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description: 'Percent of primary replicas that must be ready. Default: 100.',
      }),
    ),
    canaryReadyThreshold: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 100,
        description: 'Percent of canary replicas that must be ready. Default: 100.',
      }),
    ),
    metrics: Type.Optional(
      Type.Array(CanaryMetric, {
        description: 'Checks run every tick; a failing one counts toward threshold.',
      }),
    ),
    webhooks: Type.Optional(
      Type.Array(CanaryWebhook, { description: 'HTTP calls at points of the release.' }),
    ),
    alerts: Type.Optional(
      Type.Array(CanaryAlert, {
        description: 'Where release events are sent. Default: the controller-wide notifier.',
      }),
    ),
    /** Aviary: consecutive inconclusive (too little traffic) intervals before the release stops. */
    maxInconclusive: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Aviary: consecutive inconclusive intervals (too little traffic to decide) during which the weight holds, each with a Warning saying how much traffic the decision needs; after them the canary is rolled back with the reason "insufficient traffic", never as a failed check and never promoted. Default: as many intervals as fit in progressDeadlineSeconds.',
      }),
    ),
  },
  {
    description:
      'How the release progresses and is judged. One of iterations, stepWeight or stepWeights is required.',
  },
);

export const CanarySpec = Type.Object({
  provider: Type.Optional(
    LiteralUnion(PROVIDERS, {
      description:
        'Traffic provider (mesh, ingress, local). Default: the controller flag (istio), or local when spec.local is set.',
    }),
  ),
  metricsServer: Type.Optional(
    Type.String({
      description: 'Prometheus URL for builtin metrics and query. Default: the controller flag.',
    }),
  ),
  targetRef: TargetRef,
  autoscalerRef: Type.Optional(AutoscalerRef),
  ingressRef: Type.Optional(opaque('Ingress to route with (nginx, skipper): apiVersion, kind, name.')),
  routeRef: Type.Optional(opaque('ApisixRoute to route with (apisix): apiVersion, kind, name.')),
  upstreamRef: Type.Optional(
    opaque('Gloo Upstream whose settings are copied: apiVersion, kind, name, namespace.'),
  ),
  service: CanaryService,
  analysis: CanaryAnalysis,
  progressDeadlineSeconds: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'Seconds a rollout may make no progress before it fails. Default: 600.',
    }),
  ),
  skipAnalysis: Type.Optional(Type.Boolean({ description: 'Promote without analysis. Default: false.' })),
  revertOnDeletion: Type.Optional(
    Type.Boolean({
      description: 'Restore the target and routing when the Canary is deleted. Default: false.',
    }),
  ),
  suspend: Type.Optional(Type.Boolean({ description: 'Pause the release where it is. Default: false.' })),
  /** Aviary: the processes and router of the local runtime (`provider: local`). */
  local: Type.Optional(LocalRuntime),
});

export const CanaryDocument = Document('Canary', CanarySpec);
