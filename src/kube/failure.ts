/**
 * Kubernetes API failures in one shape. client-node's ApiException carries the metav1.Status as raw
 * JSON text; this parses it once so callers can branch on the reason.
 */
import { ApiException } from '@kubernetes/client-node';
import { AviaryError, type ErrorCode } from '../errors.js';

export interface KubeFailure {
  code: number;
  reason: string;
  message: string;
}

export function kubeFailure(err: unknown): KubeFailure | undefined {
  if (!(err instanceof ApiException)) return undefined;
  let status: { reason?: string; message?: string } = {};
  try {
    status = JSON.parse(String(err.body)) as typeof status;
  } catch {
    // not JSON: keep the raw body as the message
  }
  return { code: err.code, reason: status.reason ?? 'Unknown', message: status.message ?? String(err.body) };
}

export const isNotFound = (err: unknown) => kubeFailure(err)?.code === 404;
export const isConflict = (err: unknown) => kubeFailure(err)?.code === 409;
export const isAlreadyExists = (err: unknown) => kubeFailure(err)?.reason === 'AlreadyExists';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'INVALID_SPEC',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'INVALID_SPEC',
  429: 'UNAVAILABLE',
  500: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'TIMEOUT',
};

/** Wraps a client-node failure into an AviaryError that says which call failed and why. */
export function toKubeError(err: unknown, what: string): AviaryError {
  const failure = kubeFailure(err);
  if (!failure)
    return new AviaryError('UNAVAILABLE', `${what}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  const code = CODE_BY_STATUS[failure.code] ?? 'UNAVAILABLE';
  const hint = failure.code === 403 ? ' — check the controller ClusterRole in deploy/rbac' : '';
  return new AviaryError(code, `${what}: ${failure.code} ${failure.reason}: ${failure.message}${hint}`, {
    cause: err,
  });
}

/** Runs `attempt` again on 409 Conflict (stale resourceVersion), at most `limit` times. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, limit = 5): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isConflict(err) || tries >= limit) throw err;
    }
  }
}
