/**
 * A Kubernetes object as tests read it from manifests and the API: plain JSON with metadata, nothing
 * typed beyond that (the typed client-node classes make every field optional, metadata included).
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}
