/**
 * One family of errors with stable codes. The CLI maps codes to exit codes in one table; the controller
 * maps them to retry policy. Messages say what to do next.
 */
export const ERROR_CODES = {
  INVALID_SPEC: { exit: 1, retry: false },
  NOT_FOUND: { exit: 1, retry: true },
  CONFLICT: { exit: 1, retry: true },
  TIMEOUT: { exit: 1, retry: true },
  UNAVAILABLE: { exit: 1, retry: true },
  FORBIDDEN: { exit: 1, retry: false },
  ROUTE_NOT_APPLIED: { exit: 1, retry: true },
  PROCESS_FAILED: { exit: 1, retry: false },
  USAGE: { exit: 2, retry: false },
  INTERNAL: { exit: 70, retry: false },
} as const satisfies Record<string, { exit: number; retry: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AviaryError extends Error {
  override readonly name = 'AviaryError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Normalizes anything thrown into an AviaryError, keeping the original as `cause`. */
export function toAviaryError(err: unknown, fallback: ErrorCode = 'INTERNAL'): AviaryError {
  if (err instanceof AviaryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AviaryError(fallback, message, { cause: err });
}

export function exitCodeOf(err: unknown): number {
  return err instanceof AviaryError ? ERROR_CODES[err.code].exit : ERROR_CODES.INTERNAL.exit;
}
