import { Type } from 'typebox';
import { Document, LiteralUnion, LocalRef } from './common.js';

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
  provider: Type.Object({
    type: LiteralUnion(METRIC_PROVIDER_TYPES),
    address: Type.Optional(Type.String()),
    headers: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
    secretRef: Type.Optional(LocalRef),
    region: Type.Optional(Type.String()),
    insecureSkipVerify: Type.Optional(Type.Boolean()),
  }),
  query: Type.String({ minLength: 1 }),
});

export const MetricTemplateDocument = Document('MetricTemplate', MetricTemplateSpec);

