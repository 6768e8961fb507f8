/**
 * The charts as a user meets them: the real `helm` (built for the dev cluster, test/cluster) renders,
 * lints and installs them, and the flags the manifests pass are checked against what the `aviary`
 * commands print in `--help`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../scripts/chart-copies.js';
import { testCluster } from '../cluster/index.js';

export { REPO_ROOT };
export const AVIARY_CHART = path.join(REPO_ROOT, 'charts/aviary');
export const LOADTESTER_CHART = path.join(REPO_ROOT, 'charts/loadtester');

const run = promisify(execFile);

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: Record<string, Record<string, unknown>> }[];
  securityContext?: Record<string, unknown>;
  resources?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string; emptyDir?: Record<string, unknown> }[];
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: Record<string, unknown>;
}

export interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    strategy?: { type: string };
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: PodSpec;
    };
  };
}

/** `helm <args>`; rejects with helm's stderr. */
export async function helm(args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const cluster = testCluster();
  try {
    const { stdout } = await run(
      path.join(cluster.bin, 'helm'),
      [...args, '--kubeconfig', cluster.kubeconfig],
      {
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 32 * 1024 * 1024,
      },
    );
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${e.stderr || e.message}\n${e.stdout ?? ''}`, {
      cause: err,
    });
  }
}

/** Values as a file for `-f` (JSON is YAML), so that no `--set` escaping gets in the way. */
export function valuesFile(values: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aviary-chart-values-'));
  const file = path.join(dir, 'values.json');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** `helm template` of a chart with these values, parsed. */
export async function render(
  chart: string,
  values: Record<string, unknown> = {},
  opts: { release?: string; namespace?: string; extraArgs?: string[] } = {},
): Promise<K8sObject[]> {
  const text = await helm([
    'template',
    opts.release ?? 'aviary',
    chart,
    '--namespace',
    opts.namespace ?? 'aviary-system',
    '-f',
    valuesFile(values),
    ...(opts.extraArgs ?? []),
  ]);
  return parseManifests(text);
}

export function find<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string, name?: string): T {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`no ${kind}${name ? `/${name}` : ''} rendered (rendered: ${have})`);
  }
  return found as T;
}

export function kinds(objects: K8sObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

export function containerOf(deployment: Deployment): Container {
  const [container] = deployment.spec.template.spec.containers;
  if (!container) throw new Error(`Deployment ${deployment.metadata.name} has no container`);
  return container;
}

export interface CommandOptions {
  /** Every `--flag` with whether it takes a value (`--flag <value>`). */
  flags: Map<string, { takesValue: boolean }>;
  /** Environment variables the help names (`[env NAME]`). */
  env: Set<string>;
}

/** The options of `aviary <command>` as its `--help` lists them. */
export async function commandOptions(command: string): Promise<CommandOptions> {
  const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'bin/aviary.js'), command, '--help'], {
    timeout: 60_000,
    env: { ...process.env, COLUMNS: '400' },
  });
  const flags = new Map<string, { takesValue: boolean }>();
  for (const line of stdout.split('\n')) {
    // Option lines are indented by two spaces; wrapped descriptions by more.
    const match = /^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)( <[^>]+>| \[[^\]]+\])?/.exec(line);
    if (match?.[1]) flags.set(match[1], { takesValue: match[2] !== undefined });
  }
  if (flags.size === 0) throw new Error(`aviary ${command} --help listed no options:\n${stdout}`);
  const env = new Set([...stdout.matchAll(/\[env ([A-Z_]+)\]/g)].map((m) => m[1] as string));
  return { flags, env };
}

/** Arguments after the command name that are not flags `aviary <command>` has, with the reason. */
export function unknownFlags(args: string[], options: CommandOptions): string[] {
  const problems: string[] = [];
  for (const arg of args) {
    const match = /^(--[a-z][a-z0-9-]*)(=.*)?$/s.exec(arg);
    if (!match?.[1]) {
      problems.push(`${arg}: not a --flag or --flag=value`);
      continue;
    }
    const option = options.flags.get(match[1]);
    if (!option) problems.push(`${arg}: the command has no ${match[1]}`);
    else if (option.takesValue && match[2] === undefined) problems.push(`${arg}: ${match[1]} needs a value`);
    else if (!option.takesValue && match[2] !== undefined)
      problems.push(`${arg}: ${match[1]} takes no value`);
  }
  return problems;
}

export function readYaml<T = unknown>(repoPath: string): T {
  return parse(readFileSync(path.join(REPO_ROOT, repoPath), 'utf8')) as T;
}

export function readText(repoPath: string): string {
  return readFileSync(path.join(REPO_ROOT, repoPath), 'utf8');
}
