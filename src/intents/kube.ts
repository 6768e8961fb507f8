/**
 * Intents on Kubernetes: a merge patch of one annotation (field manager aviary-cli; the spec is never
 * touched) and a core/v1 Event on the Canary naming who asked. Every call has a deadline.
 */
import { PatchStrategy, setHeaderOptions, type CoreV1Event } from '@kubernetes/client-node';
import type { Canary } from '../api/types.js';
import { withTimeout } from '../kube/timeout.js';
import { GROUP, VERSION, type KubeClients } from '../kube/client.js';
import { involvedObject } from '../kube/events.js';
import { callerKubeError } from './caller-error.js';
import {
  INTENT_ANNOTATION,
  INTENT_FIELD_MANAGER,
  newIntent,
  requestMessage,
  serializeIntent,
  type Intent,
  type IntentSink,
} from '../api/intent.js';
import { requestReason } from './reason.js';
import { whoAmI } from './who-am-i.js';
import { namespaceOf } from '../api/defaults.js';

export interface KubeIntentOptions {
  clients: KubeClients;
  /** Deadline of each API call. Default 10 s. */
  timeoutMs?: number;
}

export function kubeIntents(options: KubeIntentOptions): IntentSink {
  const { clients } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async requestIntent(kind, namespace = 'default', name, user) {
      const intent = newIntent(kind, user ?? (await whoAmI(clients, timeoutMs)));
      let canary: Canary;
      try {
        canary = (await clients.custom.patchNamespacedCustomObject(
          {
            group: GROUP,
            version: VERSION,
            plural: 'canaries',
            namespace,
            name,
            body: { metadata: { annotations: { [INTENT_ANNOTATION]: serializeIntent(intent) } } },
            fieldManager: INTENT_FIELD_MANAGER,
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch, withTimeout(timeoutMs)),
        )) as Canary;
      } catch (err) {
        throw callerKubeError(err, `leaving a ${kind} intent on canary ${namespace}/${name}`);
      }
      await recordRequest(clients, canary, intent, timeoutMs);
      return intent;
    },
  };
}

async function recordRequest(clients: KubeClients, canary: Canary, intent: Intent, timeoutMs: number) {
  const namespace = namespaceOf(canary);
  const now = new Date(intent.requestedAt);
  const body: CoreV1Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${canary.metadata.name}.${intent.id}`, namespace },
    involvedObject: involvedObject(canary),
    type: 'Normal',
    reason: requestReason(intent.kind),
    message: requestMessage(intent),
    count: 1,
    source: { component: INTENT_FIELD_MANAGER },
    reportingComponent: INTENT_FIELD_MANAGER,
    firstTimestamp: now,
    lastTimestamp: now,
  };
  try {
    await clients.core.createNamespacedEvent({ namespace, body }, withTimeout(timeoutMs));
  } catch (err) {
    throw callerKubeError(err, `recording the ${intent.kind} request as an Event (the intent itself is set)`);
  }
}
