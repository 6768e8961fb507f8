/**
 * One provider's line in the router registry: what its router can express and how to build it. The
 * capabilities are what `aviary validate` checks a Canary against, so a field the router would drop is
 * refused before anything runs; the router itself refuses the same at run time (refuseUnsupported).
 */
import type { TrafficRouter } from '../engine/ports.js';
import type { KubeClients } from '../kube/client.js';
import type { RouterCapabilities } from './shared/capabilities.js';

export interface ProviderCapabilities extends RouterCapabilities {
  /**
   * A split by percentage (stepWeight, stepWeights). Without it a weighted canary runs as blue/green
   * (Flagger's `provider: kubernetes`), which the progression rules warn about.
   */
  weights: boolean;
  /** analysis.sessionAffinity.primaryCookieName: a cookie that keeps clients on the primary. */
  primaryCookie: boolean;
  /** service.appProtocol: tcp, routed as TCP rather than HTTP. */
  tcp: boolean;
  /** service.corsPolicy applied by the proxy. */
  cors: boolean;
}

/** Controller-wide router settings (Flagger's flags of the same names). */
export interface RouterSettings {
  /** -ingress-annotations-prefix: the NGINX controller's annotation prefix. */
  ingressAnnotationsPrefix?: string;
  /** -ingress-class: written on the HTTPProxy objects Contour is to serve. */
  ingressClass?: string;
  /** -selector-labels: the labels the Services select pods by, in order (as the target uses them). */
  selectorLabels?: readonly string[];
}

/** A router that writes Kubernetes objects; `services` says it routes between Aviary's ClusterIP Services. */
export interface KubernetesRouterEntry {
  runtime: 'kubernetes';
  capabilities: ProviderCapabilities;
  /** The router alone, without the Services (the contract suite tests it this way). */
  create(clients: KubeClients, settings?: RouterSettings): TrafficRouter;
  /** The controller puts `<apex>`, `<apex>-primary` and `<apex>-canary` Services in front of it. */
  services: boolean;
  /** The user's object the router copies (spec.ingressRef, spec.routeRef), which validate requires. */
  copies?: { field: 'ingressRef' | 'routeRef'; apiVersion: string; kind: string };
}

/**
 * `provider: local`: Aviary's own proxy on this machine. Only what it can express is declared here: the
 * local runtime builds the router itself (src/local/engine-ports.ts), so the registry, which validation
 * and the controller read, never depends on the local runtime.
 */
export interface LocalRouterEntry {
  runtime: 'local';
  capabilities: ProviderCapabilities;
}

export type RouterEntry = KubernetesRouterEntry | LocalRouterEntry;

/** Weights only: what most ingress routers (and SMI) can express. */
export const WEIGHTS_ONLY: ProviderCapabilities = {
  weights: true,
  match: false,
  mirror: false,
  sessionAffinity: false,
  primaryCookie: false,
  tcp: false,
  cors: false,
};
