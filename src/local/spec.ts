/** Reading `spec.local` with its defaults, and the names and addresses the local runtime derives from it. */
import { defaultMetricsPort, serviceNames } from '../api/defaults.js';
import { parseDuration } from '../api/duration.js';
import type { Canary, LocalRuntime, LocalVersion } from '../api/types.js';
import { AviaryError } from '../errors.js';
import type { Upstream } from './router/types.js';
import type { ProcessDefinition } from './supervisor/managed-process.js';

export const DEFAULT_READINESS_PATH = '/healthz';
export const DEFAULT_READINESS_TIMEOUT_MS = 30_000;
export const LOOPBACK = '127.0.0.1';

export function localSpec(canary: Canary): LocalRuntime {
  const local = canary.spec.local;
  if (!local) {
    throw new AviaryError(
      'INVALID_SPEC',
      `canary ${canary.metadata.name} has no spec.local: the local runtime needs the stable and canary commands`,
    );
  }
  return local;
}

export function readinessTimeoutMs(local: LocalRuntime): number {
  return (
    (local.readinessTimeout ? parseDuration(local.readinessTimeout) : undefined) ??
    DEFAULT_READINESS_TIMEOUT_MS
  );
}

/** Metrics port: spec.local.metricsPort, else listenPort + 1 (ephemeral when listenPort is 0). */
export function metricsPortOf(local: LocalRuntime): number {
  return local.metricsPort ?? defaultMetricsPort(local.listenPort);
}

export function processNames(canary: Canary): { primary: string; canary: string } {
  const names = serviceNames(canary.spec);
  return { primary: names.primary, canary: names.canary };
}

export function upstreams(canary: Canary): { primary: Upstream; canary: Upstream } {
  const local = localSpec(canary);
  const names = processNames(canary);
  return {
    primary: { name: names.primary, host: LOOPBACK, port: local.stable.port },
    canary: { name: names.canary, host: LOOPBACK, port: local.canary.port },
  };
}

export function processDefinition(
  local: LocalRuntime,
  name: string,
  version: LocalVersion,
  port: number,
): ProcessDefinition {
  return {
    name,
    command: version.command,
    ...(version.env ? { env: version.env } : {}),
    ...(version.cwd ? { cwd: version.cwd } : {}),
    port,
    readinessPath: local.readinessPath ?? DEFAULT_READINESS_PATH,
  };
}
