/**
 * A Kubernetes API call made by a reader (keptn, externalmetrics): bounded by a timeout, retried a bounded
 * number of times on 5xx and dropped connections, and turned into an AviaryError that says what to fix.
 */
import { formatDuration } from '../../api/duration.js';
import { AviaryError } from '../../errors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export async function kubeCall<T>(
  what: string,
  call: () => Promise<T>,
  timeoutMs: number,
  retries: number,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AviaryError('TIMEOUT', `${what}: no answer within ${formatDuration(timeoutMs)}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([call(), timeout]);
    } catch (err) {
      const status = statusOf(err);
      const transient =
        status === undefined ? !(err instanceof AviaryError) : status >= 500 || status === 429;
      if (!transient || attempt >= retries) throw describe(what, err);
      await sleep(200 * 2 ** attempt);
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(what: string, err: unknown): AviaryError {
  if (err instanceof AviaryError) return err;
  const status = statusOf(err);
  const message = `${what}: ${bodyMessage((err as { body?: unknown }).body) ?? (err as Error).message ?? String(err)}`;
  if (status === 404) return new AviaryError('NOT_FOUND', message);
  if (status === 401 || status === 403) return new AviaryError('FORBIDDEN', message);
  return new AviaryError('UNAVAILABLE', message);
}

/** The `message` of a Kubernetes Status body (a string or parsed), or undefined when there is none. */
function bodyMessage(body: unknown): string | undefined {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown } | undefined;
    return typeof status?.message === 'string' ? status.message : undefined;
  } catch {
    return typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : undefined;
  }
}
