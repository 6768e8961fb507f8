import { Type } from 'typebox';
import { Document, LiteralUnion } from './common.js';

export const METRIC_PROVIDER_TYPES = [
  'prometheus',
  'local',
  'influxdb',
  'datadog',
  'externalmetrics',
  'stackdriver',
  'cloudwatch',
  'newrelic',
  'graphite',
  'dynatrace',
  'keptn',
  'splunk',
] as const;

export const MetricTemplateSpec = Type.Object({
  provider: Type.Object(
    {
      type: LiteralUnion(METRIC_PROVIDER_TYPES, {
        description: 'Metrics backend; local is the local runtime router.',
      }),
      address: Type.Optional(
        Type.String({
          description: 'Backend URL (required for prometheus, influxdb, graphite, dynatrace, splunk).',
        }),
      ),
      headers: Type.Optional(
        Type.Record(Type.String(), Type.Array(Type.String()), {
          description: 'HTTP headers sent with each query (prometheus).',
        }),
      ),
      secretRef: Type.Optional(
        Type.Object(
          { name: Type.String({ minLength: 1, description: 'Secret name.' }) },
          {
            description:
              'Secret in the template namespace holding credentials (prometheus: token, or username and password).',
          },
        ),
      ),
      region: Type.Optional(Type.String({ description: 'AWS region (cloudwatch; required there).' })),
      insecureSkipVerify: Type.Optional(
        Type.Boolean({ description: 'Skip TLS certificate verification. Default: false.' }),
      ),
    },
    { description: 'Where and how the query runs.' },
  ),
  query: Type.String({
    minLength: 1,
    description:
      'Query text; {{ name }}, {{ namespace }}, {{ target }}, {{ service }}, {{ ingress }}, {{ route }}, {{ interval }} and {{ variables.<key> }} are filled in.',
  }),
});

export const MetricTemplateDocument = Document('MetricTemplate', MetricTemplateSpec);
