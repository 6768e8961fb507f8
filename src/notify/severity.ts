/**
 * Which canary alert entries receive a notification (Flagger's rules): `info` receives everything, `warn`
 * receives warnings and errors, `error` receives errors only.
 * Deviation: an empty severity (which the CRD allows) counts as `info`, as Flagger's docs say; Flagger's code
 * matches nothing for it, so such an entry would silently never alert.
 */
import type { Severity } from '../engine/ports.js';

const RANK: Record<Severity, number> = { info: 0, warn: 1, error: 2 };

export function severityMatches(alertSeverity: Severity | '' | undefined, severity: Severity): boolean {
  return RANK[severity] >= RANK[alertSeverity || 'info'];
}
