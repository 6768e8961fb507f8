/**
 * Which programs a webhook may start, and with which flags. A command is allowed when the basename of
 * its argv[0] is on the allowlist; it is then resolved through the sanitized PATH (absolute entries
 * only, so a file planted in the work dir can never be picked up) and the resolved absolute path is
 * what gets executed. hey and curl only take the flags in `flag-rules.ts`; other programs take the
 * flags their `--allow-command name:flags` entry lists, or any flag when the entry is a bare name.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { CURL_RULES, HEY_RULES, checkFlags, parseAllowedCommand, type FlagRules } from './flag-rules.js';
import { AviaryError } from '../errors.js';

const DEFAULT_RULES: ReadonlyMap<string, FlagRules> = new Map([
  ['hey', HEY_RULES],
  ['curl', CURL_RULES],
]);
export const DEFAULT_ALLOWED_COMMANDS: readonly string[] = [...DEFAULT_RULES.keys()];

/** Per argument and for the whole command: what `execve` and a sane load test need, far below E2BIG. */
export const MAX_ARG_BYTES = 16 * 1024;
export const MAX_ARGV_BYTES = 64 * 1024;

export type Resolution = { ok: true; file: string } | { ok: false; status: 403 | 500; message: string };
export type ArgsCheck = { ok: true; args: string[] } | { ok: false; status: 400 | 403; message: string };

export class CommandPolicy {
  readonly allowed: ReadonlySet<string>;
  private readonly rules = new Map<string, FlagRules>(DEFAULT_RULES);

  constructor(
    extraAllowed: readonly string[],
    private readonly searchPath: string,
  ) {
    const names: string[] = [];
    for (const entry of extraAllowed) {
      const { name, rules } = parseAllowedCommand(entry);
      if (name === '' || name.includes('/')) {
        throw new AviaryError(
          'USAGE',
          `allowed command "${name}" must be a program name such as "kubectl", not a path; it is looked up on PATH`,
        );
      }
      names.push(name);
      if (rules) this.rules.set(name, rules);
    }
    this.allowed = new Set([...DEFAULT_ALLOWED_COMMANDS, ...names]);
  }

  /** Programs that take any flag, for the startup log: the operator vouched for them. */
  unrestricted(): string[] {
    return [...this.allowed].filter((name) => !this.rules.has(name));
  }

  /**
   * The arguments to run `name` with, or why not. Sizes and NUL bytes are checked for every program:
   * `spawn` would throw on them after the webhook had been answered.
   */
  checkArgs(name: string, args: readonly string[]): ArgsCheck {
    let total = name.length;
    for (const [i, arg] of args.entries()) {
      if (arg.includes('\0')) {
        return { ok: false, status: 400, message: `argument ${i + 1} of ${name} contains a NUL byte` };
      }
      const bytes = Buffer.byteLength(arg);
      if (bytes > MAX_ARG_BYTES) {
        return {
          ok: false,
          status: 400,
          message: `argument ${i + 1} of ${name} is ${bytes} bytes; the limit is ${MAX_ARG_BYTES}`,
        };
      }
      total += bytes + 1;
    }
    if (total > MAX_ARGV_BYTES) {
      return {
        ok: false,
        status: 400,
        message: `the command is ${total} bytes; the limit is ${MAX_ARGV_BYTES}`,
      };
    }
    const rules = this.rules.get(name);
    if (rules === undefined) return { ok: true, args: [...args] };
    const checked = checkFlags(name, args, rules);
    return checked.ok ? checked : { ok: false, status: 403, message: checked.message };
  }

  resolve(argv0: string): Resolution {
    const name = path.basename(argv0);
    if (!this.allowed.has(name)) {
      return {
        ok: false,
        status: 403,
        message:
          `command "${name}" is not allowed: this loadtester runs only ${[...this.allowed].join(', ')}. ` +
          `To allow it, start the loadtester with --allow-command ${name}`,
      };
    }
    const found = this.locate(name);
    if (found === undefined) {
      return {
        ok: false,
        status: 500,
        message: `command "${name}" is allowed but not installed: not found on PATH ${this.searchPath}`,
      };
    }
    if (argv0.includes('/') && realpathOrSelf(path.resolve(argv0)) !== realpathOrSelf(found)) {
      return {
        ok: false,
        status: 403,
        message: `"${argv0}" is not the allowed "${name}" (${found}); write the command as "${name} ..." without a path`,
      };
    }
    return { ok: true, file: found };
  }

  /** Absolute path of a program on the sanitized PATH, allowlist not consulted. */
  locate(name: string): string | undefined {
    return findOnPath(name, this.searchPath);
  }
}

/** PATH with relative and empty entries removed: those would resolve against the work dir. */
export function sanitizeSearchPath(pathEnv: string | undefined): string {
  const fallback = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const entries = (pathEnv ?? '').split(':').filter((entry) => path.isAbsolute(entry));
  return entries.length > 0 ? entries.join(':') : fallback;
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(':')) {
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
