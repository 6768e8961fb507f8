import { spawn } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  stdin?: string;
  timeoutMs?: number;
}

/** Commands that validate client-side against /openapi, which the harness does not serve. */
const VALIDATING = new Set(['create', 'apply', 'replace']);

/**
 * Runs the real kubectl (the system dispatcher picks the client matching the server's /version)
 * against the harness: its own kubeconfig, a private discovery cache, and --validate=false where
 * kubectl would otherwise fetch /openapi/v2 as protobuf.
 */
export function runKubectl(
  kubeconfig: string,
  cacheDir: string,
  args: string[],
  opts: KubectlOptions = {},
): Promise<KubectlResult> {
  const extra =
    VALIDATING.has(args[0] ?? '') && !args.some((a) => a.startsWith('--validate'))
      ? ['--validate=false']
      : [];
  const argv = ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args, ...extra];
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}
