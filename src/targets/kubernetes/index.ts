/** The Kubernetes workload targets: Deployment, DaemonSet and core Service, picked per Canary by targetRef.kind. */
export { deploymentTarget, type DeploymentTargetOptions } from './deployment-target.js';
export { daemonSetTarget } from './daemonset-target.js';
export { serviceTarget } from './service-target.js';
export { kubernetesWorkloadTarget } from './workload-target.js';
export { deploymentReadiness, type ReadinessRule } from './readiness.js';
export { REPLICAS_ANNOTATION, scaleUpReplicas } from './replicas.js';
export { ROLLOUT_ID_ANNOTATION } from './primary-deployment.js';
export { SELECTOR_LABELS, selectorLabelOf, type SelectorLabel } from '../../kube/selector-label.js';
export { configRefs, type ConfigRef } from './config-refs.js';
