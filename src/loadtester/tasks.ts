/**
 * Turns a webhook's `metadata` into what to run, following Flagger's task types:
 *
 * | metadata.type              | runs                               | answer                               |
 * |----------------------------|------------------------------------|--------------------------------------|
 * | `cmd` (or absent)          | argv from cmd, no shell, background | 202 started / 200 already running    |
 * | `bash`                     | `bash -c cmd`, blocking (--allow-bash) | 200, or 500 with the output        |
 * | `kubectl`, `helm`, `helmv3`| `<type> <argv from cmd>`, blocking  | 200, or 500 with the output          |
 * | `concord`, `ngrinder`      | refused with the supported types    | 400                                  |
 */
import path from 'node:path';
import { CommandSyntaxError, splitCommand } from './argv.js';
import { MAX_ARGV_BYTES, type CommandPolicy } from './command-policy.js';
import { parseTimeout } from './duration.js';

export type TaskPlan =
  | { kind: 'background'; cmd: string; file: string; args: string[]; timeoutMs: number }
  | { kind: 'blocking'; cmd: string; file: string; args: string[]; timeoutMs: number; returnOutput: boolean }
  | { kind: 'refused'; status: 400 | 403 | 500; message: string };

export interface PlanContext {
  policy: CommandPolicy;
  allowBash: boolean;
  /** Operator's limit; metadata.timeout may shorten it, never lengthen it. */
  maxTimeoutMs: number;
}

const BLOCKING_PROGRAMS = new Set(['kubectl', 'helm', 'helmv3']);
const NOT_IMPLEMENTED = new Set(['concord', 'ngrinder']);
export const SUPPORTED_TYPES = ['cmd', 'bash', 'kubectl', 'helm', 'helmv3'] as const;

export function planTask(metadata: Record<string, string> | undefined, ctx: PlanContext): TaskPlan {
  if (metadata === undefined || Object.keys(metadata).length === 0) {
    return { kind: 'refused', status: 400, message: 'metadata not found in payload' };
  }
  const type = metadata.type ?? 'cmd';

  if (NOT_IMPLEMENTED.has(type)) {
    return {
      kind: 'refused',
      status: 400,
      message:
        `metadata.type "${type}" is not supported by the Aviary loadtester (supported: ${SUPPORTED_TYPES.join(', ')}); ` +
        `call the ${type} API from a "bash" hook instead`,
    };
  }
  if (type !== 'cmd' && type !== 'bash' && !BLOCKING_PROGRAMS.has(type)) {
    return {
      kind: 'refused',
      status: 400,
      message: `unknown metadata.type "${type}"; supported: ${SUPPORTED_TYPES.join(', ')}`,
    };
  }

  const cmd = metadata.cmd;
  if (cmd === undefined || cmd.trim() === '') {
    return { kind: 'refused', status: 400, message: `field "metadata.cmd" is required for type "${type}"` };
  }
  if (cmd.includes('\0')) {
    return { kind: 'refused', status: 400, message: 'field "metadata.cmd" contains a NUL byte' };
  }
  if (Buffer.byteLength(cmd) > MAX_ARGV_BYTES) {
    return {
      kind: 'refused',
      status: 400,
      message: `field "metadata.cmd" is longer than ${MAX_ARGV_BYTES} bytes; shorten the command`,
    };
  }

  const timeout = resolveTimeout(metadata.timeout, ctx.maxTimeoutMs);
  if (typeof timeout === 'string') return { kind: 'refused', status: 400, message: timeout };
  const returnOutput = metadata.returnCmdOutput === 'true';

  if (type === 'bash') {
    if (!ctx.allowBash) {
      return {
        kind: 'refused',
        status: 403,
        message:
          'metadata.type "bash" is disabled: it runs arbitrary shell code. Start the loadtester with --allow-bash ' +
          'to enable it, or use type "cmd" with an allowed program',
      };
    }
    const bash = ctx.policy.locate('bash');
    if (bash === undefined)
      return { kind: 'refused', status: 500, message: 'bash is not installed on this loadtester' };
    return { kind: 'blocking', cmd, file: bash, args: ['-c', cmd], timeoutMs: timeout, returnOutput };
  }

  let argv: string[];
  try {
    argv = splitCommand(cmd);
  } catch (err) {
    if (err instanceof CommandSyntaxError) return { kind: 'refused', status: 400, message: err.message };
    throw err;
  }
  // Flagger runs `kubectl <cmd>` / `helm <cmd>` for these types: cmd holds the arguments only.
  if (type !== 'cmd') argv = [type, ...argv];

  const [argv0, ...args] = argv as [string, ...string[]];
  const resolved = ctx.policy.resolve(argv0);
  if (!resolved.ok) return { kind: 'refused', status: resolved.status, message: resolved.message };
  const checked = ctx.policy.checkArgs(path.basename(argv0), args);
  if (!checked.ok) return { kind: 'refused', status: checked.status, message: checked.message };

  return type === 'cmd'
    ? { kind: 'background', cmd, file: resolved.file, args: checked.args, timeoutMs: timeout }
    : { kind: 'blocking', cmd, file: resolved.file, args: checked.args, timeoutMs: timeout, returnOutput };
}

function resolveTimeout(text: string | undefined, maxMs: number): number | string {
  if (text === undefined || text.trim() === '') return maxMs;
  const ms = parseTimeout(text);
  if (ms === undefined || ms <= 0) {
    return `field "metadata.timeout" is "${text}", not a duration: write e.g. "30s", "5m" or "1h"`;
  }
  // Operators bound what a webhook may keep running; longer requests get the operator's limit.
  return Math.min(ms, maxMs);
}
