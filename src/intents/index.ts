/**
 * Intents: promote, abort, pause, resume or retry a running release without editing its spec. The CLI
 * verbs and the dashboard's buttons call `requestIntent`; the engine applies the intent at its next tick
 * (src/engine/intents.ts) and acknowledges it in status.lastIntent.
 */
export {
  INTENT_ANNOTATION,
  INTENT_FIELD_MANAGER,
  INTENT_KINDS,
  isIntentKind,
  newIntent,
  parseIntent,
  requestMessage,
  serializeIntent,
} from '../api/intent.js';
export type { Intent, IntentKind, IntentSink } from '../api/intent.js';
export { kubeIntents, type KubeIntentOptions } from './kube.js';
export { localIntents, localUser } from './local.js';
export { appendEvent, localPaths, readEvents } from './local-files.js';
export { requestReason } from './reason.js';
export { whoAmI } from './who-am-i.js';
