/**
 * What `aviary convert` may change in a Flagger Canary, written out independently of src/api/convert.ts:
 * the apiVersion, the v1alpha3 name `canaryAnalysis` (renamed `analysis`, or dropped when `analysis` is
 * also set, as Flagger read only `analysis` then), and a `service: {port: 80}` block added to a Knative
 * Canary that has none. Anything else that differs is a field the conversion lost or made up.
 */
type Json = Record<string, unknown>;

export function expectedConversion(flagger: Json): Json {
  const out = structuredClone(flagger);
  out.apiVersion = 'aviary.dev/v1beta1';
  const spec = out.spec as Json | undefined;
  if (!spec) return out;
  if ('canaryAnalysis' in spec) {
    spec.analysis ??= spec.canaryAnalysis;
    delete spec.canaryAnalysis;
  }
  const target = spec.targetRef as Json | undefined;
  if (!('service' in spec) && String(target?.apiVersion ?? '').startsWith('serving.knative.dev/'))
    spec.service = { port: 80 };
  return out;
}
