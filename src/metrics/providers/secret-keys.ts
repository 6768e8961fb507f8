/** Reading a key from the MetricTemplate's secretRef, with an error that names the key and the fix. */
import { AviaryError } from '../../errors.js';
import type { ReaderContext } from './types.js';

export function secretKey(context: ReaderContext, type: string, key: string): string {
  const value = context.credentials[key];
  if (value === undefined || value === '') {
    const ref = context.provider.secretRef?.name;
    throw new AviaryError(
      'INVALID_SPEC',
      ref
        ? `${type}: Secret ${ref} (spec.provider.secretRef) has no key "${key}"; add it to the Secret`
        : `${type}: spec.provider.secretRef is required (a Secret with the key "${key}")`,
    );
  }
  return value;
}

/** provider.address without a trailing slash, or the vendor's default. */
export function baseAddress(context: ReaderContext, fallback?: string): string {
  const address = context.provider.address ?? fallback;
  if (!address) throw new AviaryError('INVALID_SPEC', 'spec.provider.address is required for this provider');
  return address.replace(/\/+$/, '');
}
