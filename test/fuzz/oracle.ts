/**
 * What a fuzzed document may do to the validator: yield documents and problems. A crash is anything
 * thrown; a violation is an answer that breaks a promise `aviary validate` makes (a rejected document
 * with no error, a problem without a fix, an accepted duration that overflows a timer).
 */
import { parseDuration } from '../../src/api/duration.js';
import { validateDocuments, type ValidationResult } from '../../src/validation/validate.js';

/** Node's setTimeout fires at once (with a TimeoutOverflowWarning) above this. */
export const TIMER_LIMIT_MS = 2 ** 31 - 1;

export interface CaseOutcome {
  ms: number;
  /** The error thrown, when the validator threw. */
  crash?: string;
  violations: string[];
  problems: number;
}

export function runCase(text: string): CaseOutcome {
  const start = performance.now();
  let result: ValidationResult;
  try {
    result = validateDocuments(text);
  } catch (err) {
    const ms = performance.now() - start;
    const crash = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]}` : String(err);
    return { ms, crash, violations: [], problems: 0 };
  }
  const ms = performance.now() - start;
  return { ms, violations: violations(result), problems: result.problems.length };
}

function violations(result: ValidationResult): string[] {
  const out: string[] = [];
  for (const problem of result.problems) {
    if (
      typeof problem.message !== 'string' ||
      !problem.message ||
      typeof problem.fix !== 'string' ||
      !problem.fix
    )
      out.push(`problem without message or fix at ${problem.path}`);
  }
  for (const doc of result.documents) {
    const errors = result.problems.filter((p) => p.document === doc.index && p.severity === 'error');
    if (doc.checked && !doc.valid && errors.length === 0) out.push(`doc ${doc.index} rejected with no error`);
    if (doc.valid && doc.object === undefined) out.push(`doc ${doc.index} valid without a value`);
    if (doc.valid && doc.kind === 'Canary') out.push(...overflowingDurations(doc.object));
  }
  return out;
}

/** Duration fields of an accepted Canary that a timer cannot hold. */
function overflowingDurations(object: unknown): string[] {
  const out: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string' && /(interval|timeout|Timeout)$/.test(path)) {
      const ms = parseDuration(value);
      if (ms !== undefined && ms > TIMER_LIMIT_MS) out.push(`accepted ${path}: ${value}`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
    }
  };
  visit(object, '');
  return out;
}
