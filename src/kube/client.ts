/**
 * The Kubernetes clients Aviary uses, made once per process from one KubeConfig.
 * Objects are treated as plain JSON everywhere (typed classes only as types), because watch events
 * deliver plain JSON while typed lists deliver class instances.
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

import { reuseConnections } from './connection-reuse.js';

export { GROUP, VERSION } from '../api/api-version.js';

/** Without this option the typed APIs send json-patch; Aviary's patches are merge patches. */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface KubeClients {
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  coordination: CoordinationV1Api;
  custom: CustomObjectsApi;
}

/** In-cluster config when running in a pod, else the kubeconfig file (KUBECONFIG or ~/.kube/config). */
export function loadKubeConfig(options: { kubeconfig?: string; context?: string } = {}): KubeConfig {
  const config = new KubeConfig();
  if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
  else if (process.env.KUBERNETES_SERVICE_HOST && !process.env.KUBECONFIG) config.loadFromCluster();
  else config.loadFromDefault();
  if (options.context) config.setCurrentContext(options.context);
  return config;
}

export function makeClients(config: KubeConfig): KubeClients {
  reuseConnections(config);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/** Round-trips a typed API result to plain JSON (Dates become strings, classes become objects). */
export function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
