/** The Kubernetes Deployment workload target. */
export { deploymentTarget, type DeploymentTargetOptions } from './deployment-target.js';
export { deploymentReadiness, type ReadinessRule } from './readiness.js';
export { REPLICAS_ANNOTATION, scaleUpReplicas } from './replicas.js';
export { ROLLOUT_ID_ANNOTATION } from './primary-deployment.js';
export { SELECTOR_LABELS, selectorLabelOf, type SelectorLabel } from './selector-label.js';
export { configRefs, type ConfigRef } from './config-refs.js';
