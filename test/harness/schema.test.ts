import { beforeAll, describe, expect, it } from 'vitest';
import { readCrdFiles, resourceTypeFromCrd } from './crds.js';
import { processCustomResource } from './schema.js';
import type { KubeObject, Schema } from './types.js';

const ISTIO = '/work/shared/crds/istio';
const schemas = new Map<string, Schema>();

beforeAll(async () => {
  const crds = await readCrdFiles([`${ISTIO}/virtualservices.yaml`, `${ISTIO}/destinationrules.yaml`]);
  for (const crd of crds) {
    const rt = resourceTypeFromCrd(crd);
    schemas.set(rt.kind, rt.versions.find((v) => v.name === 'v1')?.schema as Schema);
  }
});

const check = (kind: string, obj: Record<string, unknown>) =>
  processCustomResource(schemas.get(kind), obj as KubeObject);

describe('Istio CRD schemas', () => {
  it('accept what a canary router writes', () => {
    const vs = check('VirtualService', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'podinfo' },
      spec: {
        hosts: ['podinfo', 'app.example.com'],
        gateways: ['mesh', 'public-gateway'],
        http: [
          {
            name: 'canary',
            match: [{ headers: { 'x-canary': { exact: 'insider' } }, uri: { prefix: '/' } }],
            route: [{ destination: { host: 'podinfo-canary', port: { number: 9898 } }, weight: 100 }],
          },
          {
            route: [
              { destination: { host: 'podinfo-primary' }, weight: 90 },
              { destination: { host: 'podinfo-canary' }, weight: 10 },
            ],
            mirror: { host: 'podinfo-canary' },
            mirrorPercentage: { value: 50 },
            retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error' },
            timeout: '30s',
            corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }] },
          },
        ],
      },
    });
    expect(vs.errors).toEqual([]);
    expect(vs.unknownFields).toEqual([]);
    const dr = check('DestinationRule', {
      spec: {
        host: 'podinfo-canary',
        trafficPolicy: {
          loadBalancer: { consistentHash: { httpCookie: { name: 'canary', ttl: '60s' } } },
          tls: { mode: 'ISTIO_MUTUAL' },
        },
        subsets: [{ name: 'canary', labels: { app: 'podinfo' } }],
      },
    });
    expect(dr.errors).toEqual([]);
  });

  it('reject wrong types, missing required fields, bad enums and ambiguous oneOf', () => {
    const vs = check('VirtualService', {
      spec: {
        hosts: 'podinfo',
        http: [
          { route: [{ destination: {}, weight: 10.5 }], match: [{ uri: { exact: '/a', prefix: '/' } }] },
        ],
      },
    });
    expect(vs.errors.map((e) => `${e.field} ${e.reason}`).sort()).toEqual([
      'spec.hosts FieldValueTypeInvalid',
      'spec.http[0].match[0].uri FieldValueInvalid',
      'spec.http[0].route[0].destination.host FieldValueRequired',
      'spec.http[0].route[0].weight FieldValueTypeInvalid',
    ]);
    const dr = check('DestinationRule', {
      spec: { host: 'a', trafficPolicy: { tls: { mode: 'SOMETIMES' } } },
    });
    expect(dr.errors).toEqual([
      expect.objectContaining({ field: 'spec.trafficPolicy.tls.mode', reason: 'FieldValueNotSupported' }),
    ]);
  });

  it('prune unknown fields outside x-kubernetes-preserve-unknown-fields', () => {
    const vs = check('VirtualService', {
      spec: { hosts: ['a'], typo: 1, http: [{ route: [{ destination: { host: 'a', colour: 'red' } }] }] },
    });
    expect(vs.unknownFields).toEqual(['spec.typo', 'spec.http[0].route[0].destination.colour']);
    expect(vs.object.spec).toEqual({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] });
  });
});

describe('structural schema rules', () => {
  const schema: Schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true },
          weight: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
          name: { type: 'string', maxLength: 5, nullable: true },
          opaque: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          items: { type: 'array', maxItems: 1, items: { type: 'string' } },
        },
      },
    },
  };
  it('defaults, keeps int-or-string and preserved fields, drops non-nullable nulls', () => {
    const result = processCustomResource(schema, {
      metadata: {},
      spec: { port: 'http', opaque: { a: { b: 1 } }, items: null },
    } as KubeObject);
    expect(result.errors).toEqual([]);
    expect(result.object.spec).toEqual({ port: 'http', weight: 0, opaque: { a: { b: 1 } } });
  });
  it('reports bounds, lengths and counts with apimachinery wording', () => {
    const result = processCustomResource(schema, {
      metadata: {},
      spec: { port: true, weight: 101, name: 'toolong', items: ['a', 'b'] },
    } as KubeObject);
    expect(result.errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.port: Invalid value: true: spec.port in body must be of type integer,string: "boolean"',
      'spec.weight: Invalid value: 101: spec.weight in body should be less than or equal to 100',
      'spec.name: Too long: may not be more than 5 bytes',
      'spec.items: Too many: 2: must have at most 1 items',
    ]);
  });
});
