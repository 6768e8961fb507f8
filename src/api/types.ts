/** TypeScript types derived from the one schema source in ./schema. */
import type { Static } from 'typebox';
import type * as S from './schema/index.js';
import type { API_VERSION } from './api-version.js';

export type CanarySpec = Static<typeof S.CanarySpec>;
export type CanaryAnalysis = Static<typeof S.CanaryAnalysis>;
export type CanaryService = Static<typeof S.CanaryService>;
export type CanaryMetric = Static<typeof S.CanaryMetric>;
export type CanaryWebhook = Static<typeof S.CanaryWebhook>;
export type CanaryAlert = Static<typeof S.CanaryAlert>;
export type SessionAffinity = Static<typeof S.SessionAffinity>;
export type PrimaryComparison = Static<typeof S.PrimaryComparison>;
export type HTTPMatchRequest = Static<typeof S.HTTPMatchRequest>;
export type StringMatch = Static<typeof S.StringMatch>;
export type HeaderMatch = Static<typeof S.HeaderMatch>;
export type LocalRuntime = Static<typeof S.LocalRuntime>;
export type LocalVersion = Static<typeof S.LocalVersion>;
export type CanaryStatus = Static<typeof S.CanaryStatus>;
export type CheckResult = Static<typeof S.CheckResult>;
export type Phase = (typeof S.PHASES)[number];
export type WebhookType = (typeof S.WEBHOOK_TYPES)[number];
export type Provider = (typeof S.PROVIDERS)[number];
export type MetricTemplateSpec = Static<typeof S.MetricTemplateSpec>;
export type AlertProviderSpec = Static<typeof S.AlertProviderSpec>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
}

export interface Canary {
  apiVersion: typeof API_VERSION;
  kind: 'Canary';
  metadata: ObjectMeta;
  spec: CanarySpec;
  status?: CanaryStatus;
}

export interface MetricTemplate {
  apiVersion: typeof API_VERSION;
  kind: 'MetricTemplate';
  metadata: ObjectMeta;
  spec: MetricTemplateSpec;
}

export interface AlertProvider {
  apiVersion: typeof API_VERSION;
  kind: 'AlertProvider';
  metadata: ObjectMeta;
  spec: AlertProviderSpec;
}
