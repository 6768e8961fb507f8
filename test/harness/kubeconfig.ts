import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/**
 * A kubeconfig for the harness. The server speaks plain http; client-node refuses http:// clusters
 * unless skipTLSVerify is set, kubectl does not care. The token is only there so clients send an
 * Authorization header like they would against a real cluster.
 */
export async function writeKubeconfig(dir: string, url: string, namespace = 'default'): Promise<string> {
  const path = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'aviary-harness', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'aviary-harness', user: { token: 'harness-token' } }],
    contexts: [
      { name: 'aviary-harness', context: { cluster: 'aviary-harness', user: 'aviary-harness', namespace } },
    ],
    'current-context': 'aviary-harness',
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
  return path;
}

export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
