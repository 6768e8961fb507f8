/** The Knative Service target (a targetRef it takes: isKnativeService in src/api/workload-rules.ts). */
export { knativeTarget } from './knative-target.js';
