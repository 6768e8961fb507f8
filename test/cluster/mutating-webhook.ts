/**
 * A real mutating admission webhook on the test control plane: an HTTPS server on loopback (a
 * throw-away self-signed certificate from openssl) and a MutatingWebhookConfiguration that sends it
 * the writes of the given resources in ONE namespace only, so tests sharing the cluster never see it.
 * The API server calls it on every matching create/update and applies the JSON patch it answers, as
 * with a policy engine (Kyverno, Gatekeeper's mutation, an in-house webhook) on a user's cluster.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AdmissionregistrationV1Api, type KubeConfig } from '@kubernetes/client-node';

const run = promisify(execFile);

export interface AdmissionRequest {
  uid: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  name?: string;
  namespace?: string;
  dryRun?: boolean;
  resource: { group: string; version: string; resource: string };
  object?: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
}

export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export interface MutatingWebhookOptions {
  /** Admin kubeconfig (the configuration is cluster-scoped). */
  admin: KubeConfig;
  /** Only requests for objects in this namespace reach the webhook. */
  namespace: string;
  /** `group/resource` pairs, e.g. `networking.istio.io/virtualservices`, `/services` for the core group. */
  resources: string[];
  /** The patch to apply to the request's object, or undefined to let it through unchanged. */
  mutate(request: AdmissionRequest): JsonPatchOperation[] | undefined;
}

export interface MutatingWebhook {
  /** Every admission request the API server sent, in order. */
  readonly requests: AdmissionRequest[];
  /**
   * Runs `probe` (a dry-run write the webhook should see) until the webhook has been called: the API
   * server picks new webhook configurations up asynchronously.
   */
  waitUntilActive(probe: () => Promise<unknown>, deadlineMs?: number): Promise<void>;
  /** Deletes the configuration and stops the server. */
  close(): Promise<void>;
}

export async function startMutatingWebhook(options: MutatingWebhookOptions): Promise<MutatingWebhook> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aviary-webhook-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=aviary-test-webhook',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  const certPem = readFileSync(cert);
  const requests: AdmissionRequest[] = [];

  const server: Server = createServer({ key: readFileSync(key), cert: certPem }, (req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: AdmissionRequest };
      requests.push(review.request);
      const patch = options.mutate(review.request);
      const response = {
        uid: review.request.uid,
        allowed: true,
        ...(patch?.length
          ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') }
          : {}),
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const api = options.admin.makeApiClient(AdmissionregistrationV1Api);
  const name = `aviary-test-${options.namespace}`;
  const byGroup = new Map<string, string[]>();
  for (const gr of options.resources) {
    const [group = '', resource = ''] = gr.split('/');
    byGroup.set(group, [...(byGroup.get(group) ?? []), resource]);
  }
  await api.createMutatingWebhookConfiguration({
    body: {
      metadata: { name, labels: { 'aviary.dev/test': 'true' } },
      webhooks: [
        {
          name: 'mutate.test.aviary.dev',
          clientConfig: { url: `https://127.0.0.1:${port}/mutate`, caBundle: certPem.toString('base64') },
          rules: [...byGroup].map(([group, resources]) => ({
            apiGroups: [group],
            apiVersions: ['*'],
            resources,
            operations: ['CREATE', 'UPDATE'],
            scope: 'Namespaced',
          })),
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': options.namespace } },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          failurePolicy: 'Fail',
          timeoutSeconds: 10,
        },
      ],
    },
  });

  return {
    requests,
    async waitUntilActive(probe, deadlineMs = 60_000) {
      const deadline = Date.now() + deadlineMs;
      while (requests.length === 0) {
        if (Date.now() > deadline)
          throw new Error(`the API server never called webhook ${name} (waited ${deadlineMs} ms)`);
        await probe();
        if (requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async close() {
      await api.deleteMutatingWebhookConfiguration({ name }).catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
