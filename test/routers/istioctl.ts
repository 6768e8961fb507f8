/**
 * `istioctl analyze` (the istioctl built for the test cluster) over one namespace: Istio's own
 * analyzers on the objects as the API server holds them.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { TestCluster } from '../cluster/index.js';

export interface IstioMessage {
  code: string;
  level: 'Error' | 'Warning' | 'Info';
  message: string;
  /** `VirtualService ns/name` */
  origin: string;
}

export function istioctlAnalyze(cluster: TestCluster, namespace: string): Promise<IstioMessage[]> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(cluster.bin, 'istioctl'),
      ['analyze', '--kubeconfig', cluster.kubeconfig, '-n', namespace, '-o', 'json'],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // Exit code 79 means "found Error-level messages"; the JSON on stdout says which.
        const text = stdout.trim();
        if (text.startsWith('[')) {
          resolve(JSON.parse(text) as IstioMessage[]);
        } else if (!err) {
          resolve([]);
        } else {
          reject(new Error(`istioctl analyze -n ${namespace} failed: ${err.message}\n${stderr}`));
        }
      },
    );
  });
}

export const asLine = (m: IstioMessage) => `${m.level} [${m.code}] (${m.origin}) ${m.message}`;
