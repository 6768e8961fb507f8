import type { IntentKind } from '../api/intent.js';

/** The Event reason of a request: `PromoteRequested`, `AbortRequested`, ... */
export const requestReason = (kind: IntentKind) => `${kind[0]!.toUpperCase()}${kind.slice(1)}Requested`;
