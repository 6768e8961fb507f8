/**
 * The container image (Dockerfile), built by `scripts/image.sh build` with podman on this machine and run
 * the way Kubernetes runs it: read-only root filesystem, a tmpfs /tmp, UID 65532, no capabilities. The
 * controller runs in-cluster against the dev cluster exactly as a pod sees it (KUBERNETES_SERVICE_HOST/PORT
 * and the ServiceAccount's token, CA and namespace files at their standard paths), answers /healthz and
 * initializes a Canary; the load tester runs hey and curl against a server of this test. Both stop on
 * SIGTERM (podman stop, through tini) with exit code 0.
 *
 * Needs podman, runc, mmdebstrap and binutils (scripts/test.sh installs them); without them the tests are
 * skipped outside CI and fail in CI.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROLLER_NAMESPACE, CONTROLLER_SERVICE_ACCOUNT, testCluster } from '../cluster/index.js';
import { REPO_ROOT } from '../cluster/install.js';

const run = promisify(execFile);
const IMAGE_SH = path.join(REPO_ROOT, 'scripts/image.sh');
const VERSION = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const TOOLS = ['podman', 'runc', 'mmdebstrap', 'strip'];
const missing = TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
// What deploy/controller/deployment.yaml asks of the container, plus the tmpfs an emptyDir gives.
const POD_LIKE = [
  '--read-only',
  '--tmpfs',
  '/tmp:rw,size=64m',
  '--cap-drop=ALL',
  '--security-opt=no-new-privileges',
];

if (missing.length && process.env.CI === 'true') {
  describe('container image', () => {
    it('has its tools', () => {
      throw new Error(
        `${missing.join(', ')} missing: scripts/test.sh installs podman, runc, mmdebstrap, binutils`,
      );
    });
  });
} else if (missing.length) {
  console.warn(
    `test/image skipped: ${missing.join(', ')} missing (apt-get install -y podman runc mmdebstrap binutils)`,
  );
}

/** podman with this machine's settings (scripts/image.sh podman: runc, cgroupfs, containers.conf). */
async function podman(args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> {
  return run('bash', [IMAGE_SH, 'podman', ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function get(url: string): Promise<number | undefined> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.text();
  return res.status;
}

describe.skipIf(missing.length > 0)('container image', () => {
  let image = '';
  const containers: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    const { stdout } = await run('bash', [IMAGE_SH, 'build'], {
      timeout: 30 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    image = stdout.trim().split('\n').at(-1) ?? '';
    const { stdout: size } = await podman(['image', 'inspect', '--format', '{{.Size}}', image]);
    console.log(
      `image ${image}: ${(Number(size) / 1e6).toFixed(1)} MB, scripts/image.sh build took ${Date.now() - started} ms`,
    );
  }, 31 * 60_000);

  afterAll(async () => {
    for (const name of containers)
      await podman(['rm', '--force', '--time', '2', name]).catch(() => undefined);
  });

  /** Starts a detached container named for this test; removed in afterAll. */
  async function start(name: string, args: string[]): Promise<string> {
    const full = `aviary-image-test-${name}-${Math.random().toString(36).slice(2, 8)}`;
    containers.push(full);
    await podman([
      'run',
      '--detach',
      '--pull=never',
      '--name',
      full,
      '--network',
      'host',
      ...POD_LIKE,
      ...args,
    ]);
    return full;
  }

  async function logs(name: string): Promise<string> {
    const { stdout, stderr } = await podman(['logs', name]).catch((err: Error) => ({
      stdout: '',
      stderr: err.message,
    }));
    return (stdout + stderr).slice(-4000);
  }

  /** `podman stop`: SIGTERM through tini; node must exit by itself, well before podman's SIGKILL. */
  async function stopsOnSigterm(name: string): Promise<void> {
    const started = Date.now();
    await podman(['stop', '--time', '10', name]);
    const elapsed = Date.now() - started;
    const { stdout } = await podman(['inspect', '--format', '{{.State.ExitCode}}', name]);
    expect({ exitCode: stdout.trim(), fast: elapsed < 5000 }, await logs(name)).toEqual({
      exitCode: '0',
      fast: true,
    });
  }

  it('runs `aviary version` as UID 65532 on a read-only root filesystem', async () => {
    const started = Date.now();
    const { stdout } = await podman(['run', '--rm', '--pull=never', ...POD_LIKE, image, 'version']);
    console.log(`podman run ${image} version: ${Date.now() - started} ms wall`);
    expect(stdout).toContain(`aviary ${VERSION}`);
    expect(stdout).toMatch(/commit +[0-9a-f]{40}/);
    expect(stdout).toMatch(/node +v24\./);
    expect(stdout).toMatch(/build +dist/);

    // The image has no coreutils (no `id`): node reports the user it runs as.
    const { stdout: id } = await podman([
      'run',
      '--rm',
      '--pull=never',
      '--entrypoint',
      'node',
      image,
      '-e',
      'console.log(`uid=${process.getuid()} gid=${process.getgid()}`)',
    ]);
    expect(id.trim()).toBe('uid=65532 gid=65532');

    // The base is trimmed, but what the load tester's --allow-bash scripts use is there.
    const script = 'sleep 0 && echo canary | sed s/canary/primary/ | grep -c primary | xargs echo lines:';
    const { stdout: shell } = await podman([
      'run',
      '--rm',
      '--pull=never',
      '--entrypoint',
      'bash',
      image,
      '-c',
      script,
    ]);
    expect(shell.trim()).toBe('lines: 1');
  });

  it('runs the controller in-cluster as a pod would: /healthz, then a Canary reaches Initialized', async () => {
    const cluster = testCluster();
    const server = new URL(cluster.kubeConfig().getCurrentCluster()?.server ?? '');
    const ca = cluster.kubeConfig().getCurrentCluster()?.caData;
    expect(ca, 'the admin kubeconfig carries the CA').toBeTruthy();
    const { stdout: token, code } = await cluster.kubectl([
      'create',
      'token',
      CONTROLLER_SERVICE_ACCOUNT,
      '-n',
      CONTROLLER_NAMESPACE,
      '--duration',
      '1h',
    ]);
    expect(code).toBe(0);

    // The files the kubelet projects into a pod, readable by the container's user.
    const secrets = mkdtempSync(path.join(os.tmpdir(), 'aviary-image-sa-'));
    writeFileSync(path.join(secrets, 'token'), token.trim(), { mode: 0o644 });
    writeFileSync(path.join(secrets, 'ca.crt'), Buffer.from(ca ?? '', 'base64'), { mode: 0o644 });
    writeFileSync(path.join(secrets, 'namespace'), CONTROLLER_NAMESPACE, { mode: 0o644 });

    const ns = await cluster.newNamespace('image');
    const port = await freePort();
    try {
      const started = Date.now();
      const name = await start('controller', [
        '--env',
        `KUBERNETES_SERVICE_HOST=${server.hostname}`,
        '--env',
        `KUBERNETES_SERVICE_PORT=${server.port || '443'}`,
        ...['token', 'ca.crt', 'namespace'].flatMap((file) => [
          '--volume',
          `${path.join(secrets, file)}:${SA_DIR}/${file}:ro`,
        ]),
        image,
        'controller',
        '--namespace',
        ns,
        '--metrics-addr',
        `127.0.0.1:${port}`,
      ]);
      await until('the controller in the image to answer /healthz', 60_000, async () =>
        (await get(`http://127.0.0.1:${port}/healthz`)) === 200 ? true : undefined,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await logs(name)}`);
      });
      console.log(`controller container: podman run to /healthz 200 in ${Date.now() - started} ms`);

      const applied = await cluster.kubectl(['apply', '-n', ns, '-f', '-'], {
        stdin: JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name: 'podinfo', labels: { app: 'podinfo' } },
              spec: {
                replicas: 1,
                selector: { matchLabels: { app: 'podinfo' } },
                template: {
                  metadata: { labels: { app: 'podinfo' } },
                  spec: {
                    containers: [
                      {
                        name: 'podinfod',
                        image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
                        ports: [{ name: 'http', containerPort: 9898 }],
                      },
                    ],
                  },
                },
              },
            },
            {
              apiVersion: 'aviary.dev/v1beta1',
              kind: 'Canary',
              metadata: { name: 'podinfo' },
              spec: {
                provider: 'istio',
                targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
                progressDeadlineSeconds: 60,
                service: { port: 9898 },
                analysis: { interval: '10s', threshold: 2, maxWeight: 30, stepWeight: 10 },
              },
            },
          ],
        }),
      });
      expect(applied.code, applied.stderr).toBe(0);

      const phaseStarted = Date.now();
      await until('the Canary to reach Initialized', 120_000, async () => {
        const { stdout } = await cluster.kubectl([
          'get',
          'canary',
          'podinfo',
          '-n',
          ns,
          '-o',
          'jsonpath={.status.phase}',
        ]);
        return stdout === 'Initialized' ? true : undefined;
      }).catch(async (err: Error) => {
        const canary = await cluster.kubectl(['get', 'canary', 'podinfo', '-n', ns, '-o', 'yaml']);
        throw new Error(`${err.message}\n${canary.stdout}\n${await logs(name)}`);
      });
      console.log(`canary Initialized ${Date.now() - phaseStarted} ms after it was applied`);
      const primary = await cluster.kubectl(['get', 'deployment', 'podinfo-primary', '-n', ns, '-o', 'name']);
      expect(primary.stdout.trim()).toBe('deployment.apps/podinfo-primary');
      await stopsOnSigterm(name);
    } finally {
      rmSync(secrets, { recursive: true, force: true });
      await cluster.deleteNamespace(ns);
    }
  }, 240_000);

  it('runs the load tester: hey and curl from the image reach a server on the host', async () => {
    const hits = { hey: 0, curl: 0 };
    const target: Server = createServer((req, res) => {
      if (req.url === '/curl') hits.curl++;
      else hits.hey++;
      res.end('ok\n');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    const port = await freePort();
    try {
      const name = await start('loadtester', [
        image,
        'loadtester',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
      ]);
      const lt = `http://127.0.0.1:${port}`;
      await until('the load tester in the image to answer /healthz', 60_000, async () =>
        (await get(`${lt}/healthz`)) === 200 ? true : undefined,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await logs(name)}`);
      });

      const post = async (canary: string, cmd: string): Promise<number> => {
        const res = await fetch(`${lt}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: canary,
            namespace: 'image-test',
            phase: 'Progressing',
            metadata: { cmd },
          }),
        });
        await res.text();
        return res.status;
      };
      expect(await post('hey', `hey -n 40 -c 2 ${targetUrl}/`)).toBe(202);
      expect(await post('curl', `curl -sf ${targetUrl}/curl`)).toBe(202);
      await until('40 requests from hey and one from curl', 60_000, async () =>
        hits.hey >= 40 && hits.curl >= 1 ? true : undefined,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message} (hey ${hits.hey}, curl ${hits.curl})\n${await logs(name)}`);
      });
      expect(hits).toEqual({ hey: 40, curl: 1 });
      await stopsOnSigterm(name);
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  }, 120_000);

  it('runs the dashboard: the page and its chart library come from the image alone', async () => {
    const port = await freePort();
    // A local state directory inside the container: the dashboard needs no cluster to serve its page.
    const name = await start('dashboard', [
      image,
      'dashboard',
      '--state-dir',
      '/tmp/runs',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ]);
    const url = `http://127.0.0.1:${port}`;
    await until('the dashboard in the image to serve its page', 60_000, async () =>
      (await get(`${url}/`)) === 200 ? true : undefined,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await logs(name)}`);
    });
    const chart = await fetch(`${url}/assets/uplot.js`, { signal: AbortSignal.timeout(5000) });
    expect(chart.status, await logs(name)).toBe(200);
    expect(await chart.text()).toContain('uPlot');
    await stopsOnSigterm(name);
  }, 120_000);
});
