/** The parts of a Knative Service (serving.knative.dev/v1) the Knative router reads and writes. */
import type { RoutingObject } from '../shared/routing-object.js';

export const KNATIVE_GROUP = 'serving.knative.dev';
export const KNATIVE_VERSION = 'v1';
/** Where Flagger records the revision that serves as the primary; kept, so a Flagger canary moves over. */
export const PRIMARY_REVISION = 'flagger.app/primary-revision';

export interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent?: number;
  tag?: string;
}

export interface KnativeServiceSpec {
  template?: unknown;
  traffic?: TrafficTarget[];
}

export type KnativeService = RoutingObject<KnativeServiceSpec> & {
  status?: {
    latestCreatedRevisionName?: string;
    latestReadyRevisionName?: string;
    traffic?: TrafficTarget[];
  };
};
