/**
 * One family of errors with stable codes, and one table that says what each code means: the CLI's exit
 * code, whether the controller retries soon (`retry`: with a short, growing back-off) or waits a whole
 * analysis interval, and the next step to show the user when the error itself names none.
 */
export const ERROR_CODES = {
  INVALID_SPEC: {
    exit: 1,
    retry: false,
    fix: 'correct the named field (aviary validate -f <file> lists every problem)',
  },
  NOT_FOUND: { exit: 1, retry: true, fix: 'create the missing object or correct the reference to it' },
  CONFLICT: { exit: 1, retry: true, fix: 'another writer changed the object; Aviary retries on its own' },
  TIMEOUT: { exit: 1, retry: true, fix: 'check that the named server is reachable and answers in time' },
  UNAVAILABLE: { exit: 1, retry: true, fix: 'check that the named server is up; Aviary retries on its own' },
  FORBIDDEN: {
    exit: 1,
    retry: false,
    fix: "grant the controller's service account the verb named (deploy/rbac)",
  },
  ROUTE_NOT_APPLIED: {
    exit: 1,
    retry: true,
    fix: 'look for another controller (GitOps, an admission webhook) rewriting the routing object',
  },
  PROCESS_FAILED: { exit: 1, retry: false, fix: "read the process's output above and fix its command" },
  USAGE: { exit: 2, retry: false, fix: 'run the command with --help for its usage' },
  INTERNAL: { exit: 70, retry: false, fix: 'this is a bug in Aviary: please report it with the log' },
} as const satisfies Record<string, { exit: number; retry: boolean; fix: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AviaryError extends Error {
  override readonly name = 'AviaryError';
  /** What to do next, when the message does not say it and the code's generic fix is too vague. */
  readonly fix: string | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; fix?: string },
  ) {
    super(message, options);
    this.fix = options?.fix;
  }
}

/** Normalizes anything thrown into an AviaryError, keeping the original as `cause`. */
export function toAviaryError(err: unknown, fallback: ErrorCode = 'INTERNAL'): AviaryError {
  if (err instanceof AviaryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AviaryError(fallback, message, { cause: err });
}

/** The next step for the user: the error's own fix, else its code's. */
export function fixOf(err: AviaryError): string {
  return err.fix ?? ERROR_CODES[err.code].fix;
}

export function exitCodeOf(err: unknown): number {
  return ERROR_CODES[toAviaryError(err).code].exit;
}

/** Whether retrying soon may help (the `retry` column); anything not in the family is a bug: no. */
export function isRetriable(err: unknown): boolean {
  return ERROR_CODES[toAviaryError(err).code].retry;
}

/** A file (or stdin) that cannot be read: one code and one wording wherever Aviary reads input. */
export function unreadable(name: string, err: unknown): AviaryError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : String(err);
  return new AviaryError('NOT_FOUND', `cannot read ${name}: ${reason}`, {
    cause: err,
    fix: 'check the path and that this user may read it',
  });
}
