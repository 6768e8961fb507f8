/**
 * The Canary spec: Flagger's `flagger.app/v1beta1` field set with its meanings, plus Aviary's additions
 * (marked "Aviary:"), which never change what a Flagger field means.
 */
import { Type } from 'typebox';
import {
  CorsPolicy,
  CrossNamespaceRef,
  CustomMetadata,
  Document,
  Duration,
  HTTPMatchRequest,
  HTTPRetry,
  Headers,
  IntOrString,
  LiteralUnion,
  Opaque,
  Rewrite,
  StringMap,
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

export const TargetRef = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  kind: Type.Union([Type.Literal('Deployment'), Type.Literal('DaemonSet'), Type.Literal('Service')]),
  name: Type.String({ minLength: 1 }),
});

export const AutoscalerRef = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  kind: Type.Union([Type.Literal('HorizontalPodAutoscaler'), Type.Literal('ScaledObject')]),
  name: Type.String({ minLength: 1 }),
  primaryScalerQueries: Type.Optional(StringMap),
  primaryScalerReplicas: Type.Optional(
    Type.Object({
      minReplicas: Type.Optional(Type.Integer({ minimum: 0 })),
      maxReplicas: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
});

export const CanaryService = Type.Object({
  name: Type.Optional(Type.String()),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  portName: Type.Optional(Type.String()),
  targetPort: Type.Optional(IntOrString),
  appProtocol: Type.Optional(Type.String()),
  portDiscovery: Type.Optional(Type.Boolean()),
  headless: Type.Optional(Type.Boolean()),
  timeout: Type.Optional(Duration),
  backendTimeout: Type.Optional(Duration),
  gateways: Type.Optional(Type.Array(Type.String())),
  gatewayRefs: Type.Optional(Type.Array(Opaque)),
  hosts: Type.Optional(Type.Array(Type.String())),
  delegation: Type.Optional(Type.Boolean()),
  trafficPolicy: Type.Optional(Opaque),
  match: Type.Optional(Type.Array(HTTPMatchRequest)),
  rewrite: Type.Optional(Rewrite),
  retries: Type.Optional(HTTPRetry),
  headers: Type.Optional(Headers),
  mirror: Type.Optional(Type.Array(Opaque)),
  corsPolicy: Type.Optional(CorsPolicy),
  trafficDistribution: Type.Optional(Type.String()),
  meshName: Type.Optional(Type.String()),
  backends: Type.Optional(Type.Array(Type.String())),
  apex: Type.Optional(CustomMetadata),
  primary: Type.Optional(CustomMetadata),
  canary: Type.Optional(CustomMetadata),
  unmanagedMetadata: Type.Optional(
    Type.Object({
      labels: Type.Optional(Type.Array(Type.String())),
      annotations: Type.Optional(Type.Array(Type.String())),
    }),
  ),
});

export const ThresholdRange = Type.Object({
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
});

/**
 * Aviary: judge the metric against the primary running at the same time, with an anytime-valid
 * sequential test (see README "The statistical judge").
 */
export const PrimaryComparison = Type.Object({
  /** Largest tolerated increase over the primary in the metric's unit (percentage points for error rate, ms for latency). */
  maxIncrease: Type.Optional(Type.Number({ minimum: 0 })),
  /** Largest tolerated increase relative to the primary, in percent (latency: 20 = canary p99 at most 20% above primary's). */
  maxIncreasePercent: Type.Optional(Type.Number({ minimum: 0 })),
  /** False-alarm probability the test keeps however often it looks. Default 0.05. */
  alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5 })),
  /** Canary requests needed before any verdict; below this the check is inconclusive. Default 100. */
  minSamples: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Latency quantile compared (request-duration). Default 0.99. */
  quantile: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
});

export const CanaryMetric = Type.Object({
  name: Type.String({ minLength: 1 }),
  interval: Type.Optional(Duration),
  threshold: Type.Optional(Type.Number()),
  thresholdRange: Type.Optional(ThresholdRange),
  query: Type.Optional(Type.String()),
  templateRef: Type.Optional(CrossNamespaceRef),
  templateVariables: Type.Optional(StringMap),
  /** Aviary: compare with the primary instead of (or besides) thresholdRange. */
  compareWithPrimary: Type.Optional(PrimaryComparison),
  /** Aviary: fewer samples than this in the interval makes the check inconclusive, not pass or fail. */
  minSamples: Type.Optional(Type.Integer({ minimum: 0 })),
});

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

export const CanaryWebhook = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: Type.Optional(LiteralUnion(WEBHOOK_TYPES)),
  url: Type.String({ minLength: 1 }),
  timeout: Type.Optional(Duration),
  muteAlert: Type.Optional(Type.Boolean()),
  metadata: Type.Optional(StringMap),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  disableTLS: Type.Optional(Type.Boolean()),
});

export const CanaryAlert = Type.Object({
  name: Type.String({ minLength: 1 }),
  severity: Type.Optional(
    Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('')]),
  ),
  providerRef: CrossNamespaceRef,
});

export const SessionAffinity = Type.Object({
  cookieName: Type.String({ minLength: 1 }),
  primaryCookieName: Type.Optional(Type.String()),
  domain: Type.Optional(Type.String()),
  httpOnly: Type.Optional(Type.Boolean()),
  maxAge: Type.Optional(Type.Integer({ minimum: 0 })),
  partitioned: Type.Optional(Type.Boolean()),
  path: Type.Optional(Type.String()),
  sameSite: Type.Optional(Type.Union([Type.Literal('Strict'), Type.Literal('Lax'), Type.Literal('None')])),
  secure: Type.Optional(Type.Boolean()),
});

export const CanaryAnalysis = Type.Object({
  interval: Type.Optional(Duration),
  threshold: Type.Optional(Type.Integer()),
  maxWeight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  stepWeight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  stepWeights: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 100 }))),
  stepWeightPromotion: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  iterations: Type.Optional(Type.Integer({ minimum: 0 })),
  match: Type.Optional(Type.Array(HTTPMatchRequest)),
  mirror: Type.Optional(Type.Boolean()),
  mirrorWeight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  sessionAffinity: Type.Optional(SessionAffinity),
  primaryReadyThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  canaryReadyThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  metrics: Type.Optional(Type.Array(CanaryMetric)),
  webhooks: Type.Optional(Type.Array(CanaryWebhook)),
  alerts: Type.Optional(Type.Array(CanaryAlert)),
  /** Aviary: consecutive inconclusive (too little data) intervals tolerated before the canary fails. Default 5. */
  maxInconclusive: Type.Optional(Type.Integer({ minimum: 1 })),
});

export const CanarySpec = Type.Object({
  provider: Type.Optional(LiteralUnion(PROVIDERS)),
  metricsServer: Type.Optional(Type.String()),
  targetRef: TargetRef,
  autoscalerRef: Type.Optional(AutoscalerRef),
  ingressRef: Type.Optional(Opaque),
  routeRef: Type.Optional(Opaque),
  upstreamRef: Type.Optional(Opaque),
  service: CanaryService,
  analysis: CanaryAnalysis,
  progressDeadlineSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  skipAnalysis: Type.Optional(Type.Boolean()),
  revertOnDeletion: Type.Optional(Type.Boolean()),
  suspend: Type.Optional(Type.Boolean()),
  /** Aviary: the processes and router of the local runtime (`provider: local`). */
  local: Type.Optional(LocalRuntime),
});

export const CanaryDocument = Document('Canary', CanarySpec);
