/**
 * The Flagger Canaries that cannot run here, from the table under "## Flagger Canaries that cannot run
 * here" in docs/flagger-differences.md: | `manifest regex` | `what the controller says (regex)` | why |.
 * runs.test.ts fails when a listed Canary reaches Initialized, or when what its Warning events say
 * matches no row's second column: the list says exactly why each one stops.
 */
import { tableRows } from './differences-doc.js';

export interface CannotRun {
  manifest: RegExp;
  says: RegExp;
  why: string;
}

export function cannotRunHere(text?: string): CannotRun[] {
  return tableRows('Flagger Canaries that cannot run here', 3, text).map(
    ([manifest = '', says = '', why = '']) => ({
      manifest: new RegExp(manifest),
      says: new RegExp(says),
      why,
    }),
  );
}
