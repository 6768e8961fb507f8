/**
 * From an AlertProvider to the place to post. The Kubernetes layer (or the local runtime) finds the
 * AlertProvider and reads its secretRef; this module only merges what it found with the defaults.
 */
import type { AlertProviderSpec } from '../api/types.js';
import type { AlertTarget } from './alert.js';

/** The keys Aviary reads from an AlertProvider's secret (Flagger: `address`, `token`; Aviary adds `proxy`). */
export interface AlertProviderSecret {
  address?: string;
  token?: string;
  proxy?: string;
}

export interface ResolvedAlertProvider {
  spec: AlertProviderSpec;
  /** The decoded secretRef, when the spec has one. Its values override the spec's. */
  secret?: AlertProviderSecret;
}

export interface AlertProviderRef {
  name: string;
  /** Already defaulted to the canary's namespace. */
  namespace: string;
}

/**
 * Finds an AlertProvider (and reads its secret). Resolves undefined when there is no such provider; may
 * reject (for example when the secret cannot be read), which the notifier logs.
 */
export type AlertProviderResolver = (ref: AlertProviderRef) => Promise<ResolvedAlertProvider | undefined>;

export const DEFAULT_CHANNEL = 'general';
export const DEFAULT_USERNAME = 'aviary';

export type TargetResult = { ok: true; target: AlertTarget } | { ok: false; reason: string };

export function alertTarget(resolved: ResolvedAlertProvider): TargetResult {
  const { spec, secret } = resolved;
  const type = spec.type as string;
  if (spec.secretRef) {
    if (!secret) return { ok: false, reason: `secret ${spec.secretRef.name} was not read (does it exist?)` };
    if (!secret.address) return { ok: false, reason: `secret ${spec.secretRef.name} has no "address" key` };
  }
  const address = secret?.address || spec.address;
  if (!address) {
    return {
      ok: false,
      reason: `no address: set spec.address or an "address" key in the provider's secretRef`,
    };
  }
  const proxy = secret?.proxy || spec.proxy;
  return {
    ok: true,
    target: {
      type,
      address,
      channel: spec.channel || DEFAULT_CHANNEL,
      username: spec.username || DEFAULT_USERNAME,
      ...(secret?.token ? { token: secret.token } : {}),
      ...(proxy ? { proxy } : {}),
    },
  };
}
