/**
 * The flags of `aviary loadtester`, described once so the CLI can register them and the docs can list
 * them. `toLoadTesterOptions` turns parsed flag values into `startLoadTester` options, with readable
 * errors for bad values.
 */
import os from 'node:os';
import path from 'node:path';
import { parseTimeout } from './duration.js';
import { parseAllowedCommand } from './flag-rules.js';
import type { LoadTesterOptions } from './server.js';
import { AviaryError } from '../errors.js';

export interface LoadTesterFlag {
  flags: string;
  description: string;
  defaultValue?: string | boolean;
  repeatable?: boolean;
}

export const DEFAULT_WORK_DIR = path.join(os.tmpdir(), 'aviary-loadtester');

export const loadTesterCommandOptions: readonly LoadTesterFlag[] = [
  { flags: '--port <port>', description: 'port to listen on', defaultValue: '9090' },
  { flags: '--host <address>', description: 'address to listen on', defaultValue: '0.0.0.0' },
  {
    flags: '--work-dir <dir>',
    description: 'working directory, HOME and TMPDIR of every command (created if missing)',
    defaultValue: DEFAULT_WORK_DIR,
  },
  {
    flags: '--allow-command <name>',
    description:
      'allow one more program besides hey and curl (repeatable): "kubectl" takes any flag, ' +
      '"kubectl:-n=,--namespace=,-w" only those (= takes a value)',
    repeatable: true,
  },
  {
    flags: '--allow-bash',
    description: 'enable webhooks of metadata.type "bash" (runs arbitrary shell code as the loadtester user)',
    defaultValue: false,
  },
  {
    flags: '--timeout <duration>',
    description: 'longest a command may run; metadata.timeout can only shorten it',
    defaultValue: '1h',
  },
  {
    flags: '--max-background <n>',
    description: 'background commands (type cmd) running at once; more are answered 429',
    defaultValue: '8',
  },
  {
    flags: '--namespace-regexp <regexp>',
    description: "only serve canaries whose namespace matches (Flagger's -namespace-regexp)",
  },
];

export interface LoadTesterFlagValues {
  port?: string | number;
  host?: string;
  workDir?: string;
  allowCommand?: string[] | string;
  allowBash?: boolean;
  timeout?: string;
  namespaceRegexp?: string;
  maxBackground?: string | number;
}

export function toLoadTesterOptions(values: LoadTesterFlagValues): Omit<LoadTesterOptions, 'logger'> {
  const port = Number(values.port ?? 9090);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AviaryError('USAGE', `--port must be a port number (0-65535), got "${values.port}"`);
  }
  const timeoutMs = parseTimeout(values.timeout ?? '1h');
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw new AviaryError(
      'USAGE',
      `--timeout must be a duration such as 30s, 10m or 1h, got "${values.timeout}"`,
    );
  }
  let namespacePattern: RegExp | undefined;
  if (values.namespaceRegexp !== undefined) {
    try {
      namespacePattern = new RegExp(values.namespaceRegexp);
    } catch (err) {
      throw new AviaryError(
        'USAGE',
        `--namespace-regexp is not a valid regular expression: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  const maxBackground = Number(values.maxBackground ?? 8);
  if (!Number.isInteger(maxBackground) || maxBackground < 1 || maxBackground > 1000) {
    throw new AviaryError(
      'USAGE',
      `--max-background must be a whole number from 1 to 1000, got "${values.maxBackground}"`,
    );
  }
  const allowed = values.allowCommand === undefined ? [] : [values.allowCommand].flat();
  const allowedCommands = allowed
    .flatMap((entry) => (entry.includes(':') ? [entry] : entry.split(',')))
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Throws with the entry and the fix when an entry's flag list is malformed.
  for (const entry of allowedCommands) parseAllowedCommand(entry);
  return {
    port,
    host: values.host ?? '0.0.0.0',
    workDir: values.workDir ?? DEFAULT_WORK_DIR,
    allowBash: values.allowBash ?? false,
    // "a,b" allows two programs; "a:-x,-y" is one program with its flags.
    allowedCommands,
    commandTimeoutMs: timeoutMs,
    maxBackground,
    ...(namespacePattern ? { namespacePattern } : {}),
  };
}
