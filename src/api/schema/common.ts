/**
 * Building blocks shared by the Canary, MetricTemplate and AlertProvider schemas.
 * Istio-shaped fields keep Istio's own field names, so a Flagger manifest's values pass through unchanged.
 */
import { Type, type TLiteral, type TSchema, type TUnion } from 'typebox';
import { API_VERSION } from '../api-version.js';
import { GO_DURATION_PATTERN } from '../duration.js';

/** A Go duration as Flagger and Istio accept it: `30s`, `1m`, `1h30m`, `1.5s`, `500us` (../duration.ts). */
export const DURATION_PATTERN = GO_DURATION_PATTERN;
export const Duration = Type.String({
  pattern: DURATION_PATTERN,
  description: 'duration such as 30s, 1m, 1h30m or 500ms',
});

/** Free-form object kept as written (Istio fields Aviary passes through without interpreting). */
export const Opaque = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
});

export const StringMap = Type.Record(Type.String(), Type.String());

const STRING_MATCH_FIELDS = {
  exact: Type.Optional(Type.String()),
  prefix: Type.Optional(Type.String()),
  regex: Type.Optional(Type.String()),
};

/** Istio StringMatch: exactly one of exact, prefix, regex. */
export const StringMatch = Type.Object(STRING_MATCH_FIELDS, {
  description: 'Istio StringMatch: one of exact, prefix, regex.',
});

/**
 * A header's StringMatch, which (as in Flagger's A/B match) also takes `suffix`. No proxy Aviary routes
 * through has a suffix match for headers: each router writes it as the regular expression it means.
 */
export const HeaderMatch = Type.Object(
  {
    ...STRING_MATCH_FIELDS,
    suffix: Type.Optional(Type.String({ description: 'The value ends with this text.' })),
  },
  { description: 'Header StringMatch: one of exact, prefix, suffix, regex.' },
);

/** Istio HTTPMatchRequest (the fields Flagger documents). */
export const HTTPMatchRequest = Type.Object(
  {
    name: Type.Optional(Type.String()),
    uri: Type.Optional(StringMatch),
    scheme: Type.Optional(StringMatch),
    method: Type.Optional(StringMatch),
    authority: Type.Optional(StringMatch),
    headers: Type.Optional(Type.Record(Type.String(), HeaderMatch)),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    sourceLabels: Type.Optional(StringMap),
    gateways: Type.Optional(Type.Array(Type.String())),
    queryParams: Type.Optional(Type.Record(Type.String(), StringMatch)),
    ignoreUriCase: Type.Optional(Type.Boolean()),
    withoutHeaders: Type.Optional(Type.Record(Type.String(), StringMatch)),
    sourceNamespace: Type.Optional(Type.String()),
  },
  {
    description:
      'Istio HTTPMatchRequest: uri, scheme, method, authority, headers, port, sourceLabels, queryParams, ...',
  },
);

export const HeaderOperations = Type.Object(
  {
    set: Type.Optional(StringMap),
    add: Type.Optional(StringMap),
    remove: Type.Optional(Type.Array(Type.String())),
  },
  { description: 'Header set/add/remove operations.' },
);

export const Headers = Type.Object(
  {
    request: Type.Optional(HeaderOperations),
    response: Type.Optional(HeaderOperations),
  },
  { description: 'Istio: headers to change on requests and responses.' },
);

export const HTTPRetry = Type.Object(
  {
    attempts: Type.Optional(Type.Integer({ minimum: 0 })),
    perTryTimeout: Type.Optional(Duration),
    retryOn: Type.Optional(Type.String()),
  },
  { description: 'Istio HTTPRetry: attempts, perTryTimeout, retryOn.' },
);

export const CorsPolicy = Type.Object(
  {
    allowOrigin: Type.Optional(Type.Array(Type.String())),
    allowOrigins: Type.Optional(Type.Array(StringMatch)),
    allowMethods: Type.Optional(Type.Array(Type.String())),
    allowHeaders: Type.Optional(Type.Array(Type.String())),
    exposeHeaders: Type.Optional(Type.Array(Type.String())),
    maxAge: Type.Optional(Duration),
    allowCredentials: Type.Optional(Type.Boolean()),
  },
  { description: 'Istio CorsPolicy of the route.' },
);

export const Rewrite = Type.Object(
  {
    uri: Type.Optional(Type.String()),
    authority: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
  },
  { description: 'Istio rewrite of uri/authority (Gateway API URLRewrite).' },
);

export const CustomMetadata = Type.Object(
  {
    labels: Type.Optional(StringMap),
    annotations: Type.Optional(StringMap),
  },
  { description: 'Labels and annotations added to a generated service.' },
);

/** A Kubernetes-style top-level document: apiVersion, kind, metadata, spec. */
export function Document<S extends TSchema>(kind: string, spec: S) {
  return Type.Object({
    apiVersion: Type.Literal(API_VERSION),
    kind: Type.Literal(kind),
    metadata: Type.Object({
      name: Type.String({ minLength: 1 }),
      namespace: Type.Optional(Type.String()),
      labels: Type.Optional(StringMap),
      annotations: Type.Optional(StringMap),
    }),
    spec,
  });
}

/**
 * `Type.Union` of string literals from a list. Same JSON schema as mapping `Type.Literal` over the list, but
 * the static type is the union of the values (a mapped, non-tuple array makes TypeBox infer `never`).
 */
export function LiteralUnion<const T extends readonly string[]>(
  values: T,
  options?: { description?: string },
): TUnion<[TLiteral<T[number]>]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  ) as unknown as TUnion<[TLiteral<T[number]>]>;
}

/** A field-specific Duration (same pattern, its own description). */
export function duration(description: string) {
  return Type.String({ pattern: DURATION_PATTERN, description });
}

/** A field-specific Opaque (kept as written). */
export function opaque(description: string) {
  return Type.Unsafe<Record<string, unknown>>({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    description,
  });
}

/** A field-specific map of strings. */
export function stringMap(description: string) {
  return Type.Record(Type.String(), Type.String(), { description });
}
