/**
 * Which programs a webhook may start. A command is allowed when the basename of its argv[0] is on the
 * allowlist; it is then resolved through the sanitized PATH (absolute entries only, so a file planted
 * in the work dir can never be picked up) and the resolved absolute path is what gets executed.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_ALLOWED_COMMANDS: readonly string[] = ['hey', 'curl'];

export type Resolution = { ok: true; file: string } | { ok: false; status: 403 | 500; message: string };

export class CommandPolicy {
  readonly allowed: ReadonlySet<string>;

  constructor(
    extraAllowed: readonly string[],
    private readonly searchPath: string,
  ) {
    for (const name of extraAllowed) {
      if (name === '' || name.includes('/')) {
        throw new Error(
          `allowed command "${name}" must be a program name such as "kubectl", not a path; it is looked up on PATH`,
        );
      }
    }
    this.allowed = new Set([...DEFAULT_ALLOWED_COMMANDS, ...extraAllowed]);
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
