/** The Knative Service target. */
export { knativeTarget } from './knative-target.js';
