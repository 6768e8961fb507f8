import {
  prepareDeployment,
  prepareHpa,
  prepareLease,
  prepareNamespace,
  prepareSecret,
  prepareService,
  validateDeployment,
  validateHpa,
  validateService,
} from './builtin-semantics.js';
import type { ResourceType } from './types.js';

type BuiltinOptions = Partial<Omit<ResourceType, 'group' | 'versions' | 'plural' | 'kind'>>;

function builtin(
  group: string,
  version: string,
  plural: string,
  kind: string,
  opts: BuiltinOptions = {},
): ResourceType {
  return {
    group,
    versions: [{ name: version }],
    storageVersion: version,
    plural,
    kind,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    shortNames: [],
    categories: [],
    namespaced: true,
    status: false,
    custom: false,
    tracksGeneration: false,
    allowCreateOnUpdate: false,
    nameRule: 'subdomain',
    ...opts,
  };
}

const DEPLOYMENT_SCALE = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.spec.selector',
};

/** The built-in resources Aviary (and kubectl in its tests) touch. */
export function builtinResources(): ResourceType[] {
  const rbac = 'rbac.authorization.k8s.io';
  return [
    builtin('', 'v1', 'namespaces', 'Namespace', {
      namespaced: false,
      status: true,
      shortNames: ['ns'],
      nameRule: 'label',
      prepare: prepareNamespace,
    }),
    builtin('', 'v1', 'pods', 'Pod', { status: true, shortNames: ['po'], categories: ['all'] }),
    builtin('', 'v1', 'services', 'Service', {
      status: true,
      shortNames: ['svc'],
      categories: ['all'],
      nameRule: 'label',
      prepare: prepareService,
      validate: validateService,
    }),
    builtin('', 'v1', 'endpoints', 'Endpoints', {
      shortNames: ['ep'],
      allowCreateOnUpdate: true,
      listKind: 'EndpointsList',
      singular: 'endpoints',
    }),
    builtin('', 'v1', 'configmaps', 'ConfigMap', { shortNames: ['cm'] }),
    builtin('', 'v1', 'secrets', 'Secret', { prepare: prepareSecret }),
    builtin('', 'v1', 'serviceaccounts', 'ServiceAccount', { shortNames: ['sa'] }),
    builtin('', 'v1', 'events', 'Event', { shortNames: ['ev'], allowCreateOnUpdate: true }),
    builtin('apps', 'v1', 'deployments', 'Deployment', {
      status: true,
      scale: DEPLOYMENT_SCALE,
      shortNames: ['deploy'],
      categories: ['all'],
      tracksGeneration: true,
      prepare: prepareDeployment,
      validate: validateDeployment,
    }),
    builtin('apps', 'v1', 'replicasets', 'ReplicaSet', {
      status: true,
      scale: DEPLOYMENT_SCALE,
      shortNames: ['rs'],
      categories: ['all'],
      tracksGeneration: true,
    }),
    builtin('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', {
      status: true,
      shortNames: ['hpa'],
      categories: ['all'],
      tracksGeneration: true,
      prepare: prepareHpa,
      validate: validateHpa,
    }),
    builtin('networking.k8s.io', 'v1', 'ingresses', 'Ingress', {
      status: true,
      shortNames: ['ing'],
      tracksGeneration: true,
    }),
    builtin('coordination.k8s.io', 'v1', 'leases', 'Lease', {
      allowCreateOnUpdate: true,
      prepare: prepareLease,
    }),
    builtin('events.k8s.io', 'v1', 'events', 'Event', { shortNames: ['ev'], allowCreateOnUpdate: true }),
    builtin(rbac, 'v1', 'roles', 'Role', { nameRule: 'path' }),
    builtin(rbac, 'v1', 'rolebindings', 'RoleBinding', { nameRule: 'path' }),
    builtin(rbac, 'v1', 'clusterroles', 'ClusterRole', { namespaced: false, nameRule: 'path' }),
    builtin(rbac, 'v1', 'clusterrolebindings', 'ClusterRoleBinding', { namespaced: false, nameRule: 'path' }),
    // Validation and registration of CRD objects live in crds.ts; the server wires them in.
    builtin('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', {
      namespaced: false,
      status: true,
      shortNames: ['crd', 'crds'],
      tracksGeneration: true,
    }),
  ];
}
