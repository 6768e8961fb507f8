/**
 * What the proxy tests add to the shared control plane, and the bounded wait they use for a proxy or
 * a controller to catch up.
 */
import path from 'node:path';
import type { TestCluster } from '../cluster/index.js';

const EXTRA_CRDS = path.join(import.meta.dirname, 'crds');

/**
 * GRPCRoute and BackendTLSPolicy (Gateway API v1.6.3 standard channel, see crds/README.md): Traefik's
 * Gateway provider watches them and does not start without them; Aviary itself never writes them.
 */
export async function registerGatewayApiExtras(cluster: TestCluster): Promise<void> {
  const applied = await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', EXTRA_CRDS]);
  if (applied.code !== 0) throw new Error(`registering ${EXTRA_CRDS} failed: ${applied.stderr}`);
  const established = await cluster.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/grpcroutes.gateway.networking.k8s.io',
    'crd/backendtlspolicies.gateway.networking.k8s.io',
  ]);
  if (established.code !== 0)
    throw new Error(`the extra Gateway API CRDs are not Established: ${established.stderr}`);
}

/**
 * Polls `probe` every 250 ms until it returns a value, for at most `timeoutMs`; a probe that throws
 * counts as "not yet". On timeout the error names what was awaited, the last error and the proxy's log.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  log: () => string = () => '',
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}\n${log().slice(-8000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
