/**
 * Which flags an allowed program may be given. Allowing a program is not enough: curl and hey read
 * files, write files and load code through their own flags (`curl --engine ./x.so`, `curl -d @/etc/passwd`,
 * `hey -D FILE`). So each program has an explicit list of flags that make a request or shape load; every
 * other flag is refused with its name. Values are checked too: no flag may name a file, and the URLs
 * must be http(s).
 *
 * Two parsers, because the programs parse differently: hey uses Go's `flag` package (`-name`,
 * `--name`, `-name=value`, parsing stops at the first non-flag), curl uses getopt-like rules (clustered
 * short flags such as `-sSf`, a short flag's value attached as in `-XPOST`, flags anywhere, `--` ends them).
 */
import { GO_DURATION_PATTERN } from '../api/duration.js';
import { AviaryError } from '../errors.js';

/** Returns a refusal sentence for a bad value, or undefined when the value is fine. */
export type ValueCheck = (value: string) => string | undefined;

export interface FlagRules {
  style: 'go' | 'getopt';
  /** Flags without a value, as written (`-s`, `--silent`, `-h2`). */
  switches: ReadonlySet<string>;
  /** Flags with a value, each with the check its value must pass. */
  valued: ReadonlyMap<string, ValueCheck>;
  /** Check for every positional argument (URLs for hey and curl). */
  positional: ValueCheck;
  /** At most this many positional arguments (hey takes one URL). */
  maxPositionals?: number;
  /** Fixed arguments put before the user's, e.g. curl's `--disable` so no config file is read. */
  prepend?: readonly string[];
}

export type FlagCheck = { ok: true; args: string[] } | { ok: false; message: string };

const anything: ValueCheck = () => undefined;

const notAFile =
  (what: string): ValueCheck =>
  (value) =>
    value.startsWith('@') ? `${what} may not start with "@" (that reads a file)` : undefined;

const number: ValueCheck = (value) =>
  /^\d+(\.\d+)?$/.test(value) ? undefined : `"${value}" is not a number`;

const integer: ValueCheck = (value) => (/^\d+$/.test(value) ? undefined : `"${value}" is not a whole number`);

const GO_DURATION = new RegExp(GO_DURATION_PATTERN);
const goDuration: ValueCheck = (value) =>
  GO_DURATION.test(value) ? undefined : `"${value}" is not a duration such as 30s, 5m or 1h`;

const httpMethod: ValueCheck = (value) =>
  /^[A-Za-z]{1,20}$/.test(value) ? undefined : `"${value}" is not an HTTP method such as GET or POST`;

export const httpUrl: ValueCheck = (value) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL: write it with its scheme, e.g. http://podinfo-canary.test:9898/`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `URL "${value}" uses ${url.protocol.replace(/:$/, '')}://; only http:// and https:// are allowed`;
  }
  return undefined;
};

/** hey's own flags (rakyll/hey usage), without -D (body from a file) and -x (proxy). */
export const HEY_RULES: FlagRules = {
  style: 'go',
  switches: new Set(['h2', 'disable-compression', 'disable-keepalive', 'disable-redirects']),
  valued: new Map<string, ValueCheck>([
    ['n', integer],
    ['c', integer],
    ['q', number],
    ['z', goDuration],
    ['t', integer],
    ['m', httpMethod],
    ['H', anything],
    ['d', anything],
    ['T', anything],
    ['A', anything],
    ['a', anything],
    ['host', anything],
    ['cpus', integer],
    ['o', (value) => (value === 'csv' ? undefined : `-o only takes "csv" (printed to the output)`)],
  ]),
  positional: httpUrl,
  maxPositionals: 1,
};

/** curl flags that make one request and report on it. Nothing that reads or writes a file. */
export const CURL_RULES: FlagRules = {
  style: 'getopt',
  switches: new Set([
    ...['-s', '--silent', '-S', '--show-error', '-f', '--fail', '--fail-with-body'],
    ...['-i', '--include', '-I', '--head', '-L', '--location', '-k', '--insecure', '-v', '--verbose'],
    ...['-G', '--get', '-N', '--no-buffer', '-4', '--ipv4', '-6', '--ipv6', '--compressed'],
    ...['--http1.1', '--http2', '--retry-connrefused', '--retry-all-errors', '--no-keepalive'],
  ]),
  valued: new Map<string, ValueCheck>([
    ...pair('-X', '--request', httpMethod),
    ...pair('-H', '--header', notAFile('a header')),
    ...pair('-d', '--data', notAFile('the data (write it inline)')),
    ['--data-raw', anything],
    ['--data-binary', notAFile('the data (write it inline)')],
    ['--json', notAFile('the JSON (write it inline)')],
    ...pair('-m', '--max-time', number),
    ['--connect-timeout', number],
    ['--retry', integer],
    ['--retry-delay', integer],
    ['--retry-max-time', integer],
    ...pair('-A', '--user-agent', anything),
    ...pair('-e', '--referer', anything),
    ...pair('-u', '--user', anything),
    ...pair('-b', '--cookie', (value) =>
      value.includes('=') ? undefined : `a cookie without "=" names a file to read; write it as name=value`,
    ),
    ...pair('-o', '--output', (value) =>
      value === '/dev/null' ? undefined : `only "-o /dev/null" is allowed (the output goes to the answer)`,
    ),
    ...pair('-w', '--write-out', (value) =>
      value.startsWith('@') || value.includes('%output{')
        ? `the format may not read ("@file") or write ("%output{file}") a file`
        : undefined,
    ),
  ]),
  positional: httpUrl,
  // --disable must come first: no .curlrc is read. Only http(s), also after redirects; URLs are not globs.
  prepend: ['--disable', '--proto', '=http,https', '--proto-redir', '=http,https', '--globoff'],
};

function pair(short: string, long: string, check: ValueCheck): [string, ValueCheck][] {
  return [
    [short, check],
    [long, check],
  ];
}

export function checkFlags(program: string, args: readonly string[], rules: FlagRules): FlagCheck {
  const refusal =
    rules.style === 'go' ? checkGoFlags(program, args, rules) : checkGetoptFlags(program, args, rules);
  if (refusal !== undefined) return { ok: false, message: refusal };
  return { ok: true, args: [...(rules.prepend ?? []), ...args] };
}

const allowedList = (rules: FlagRules, dash: string): string =>
  [...rules.switches, ...rules.valued.keys()].map((f) => (f.startsWith('-') ? f : dash + f)).join(' ');

function refuseFlag(program: string, flag: string, rules: FlagRules, dash = ''): string {
  return (
    `${program} flag "${flag}" is not allowed on this loadtester (it may read or write files, load code or ` +
    `reach other hosts). Allowed ${program} flags: ${allowedList(rules, dash)}`
  );
}

function refuseValue(program: string, flag: string, why: string): string {
  return `${program} ${flag}: ${why}`;
}

function checkPositionals(program: string, positionals: string[], rules: FlagRules): string | undefined {
  if (rules.maxPositionals !== undefined && positionals.length > rules.maxPositionals) {
    return `${program} takes ${rules.maxPositionals} URL, got ${positionals.length} arguments: ${positionals.join(' ')}`;
  }
  for (const arg of positionals) {
    const why = rules.positional(arg);
    if (why !== undefined) return `${program}: ${why}`;
  }
  return undefined;
}

/** Go's flag package: `-f`, `--f`, `-f=v`, `-f v`; parsing stops at the first non-flag or `--`. */
function checkGoFlags(program: string, args: readonly string[], rules: FlagRules): string | undefined {
  let i = 0;
  while (i < args.length) {
    const arg = args[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    if (rules.switches.has(name)) {
      if (eq >= 0 && !/^(true|false|1|0|t|f)$/i.test(body.slice(eq + 1))) {
        return refuseValue(program, `-${name}`, 'takes no value other than true or false');
      }
      i++;
      continue;
    }
    const check = rules.valued.get(name);
    if (check === undefined) return refuseFlag(program, `-${name}`, rules, '-');
    let value: string | undefined;
    if (eq >= 0) {
      value = body.slice(eq + 1);
      i++;
    } else {
      value = args[i + 1];
      i += 2;
    }
    if (value === undefined) return refuseValue(program, `-${name}`, 'needs a value');
    const why = check(value);
    if (why !== undefined) return refuseValue(program, `-${name}`, why);
  }
  return checkPositionals(program, args.slice(i), rules);
}

/** getopt-like: flags anywhere, `-abc` clusters, `-Xvalue`, `--long value`; `--` ends the flags. */
function checkGetoptFlags(program: string, args: readonly string[], rules: FlagRules): string | undefined {
  const positionals: string[] = [];
  let i = 0;
  while (i < args.length) {
    const arg = args[i] as string;
    i++;
    if (arg === '--') {
      positionals.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq < 0 ? arg : arg.slice(0, eq);
      if (eq < 0 && rules.switches.has(flag)) continue;
      const check = rules.valued.get(flag);
      if (check === undefined) return refuseFlag(program, flag, rules);
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = args[i];
        i++;
      }
      if (value === undefined) return refuseValue(program, flag, 'needs a value');
      const why = check(value);
      if (why !== undefined) return refuseValue(program, flag, why);
      continue;
    }
    // A cluster of short flags; a flag that takes a value takes the rest of the word or the next word.
    for (let c = 1; c < arg.length; c++) {
      const flag = `-${arg[c]}`;
      if (rules.switches.has(flag)) continue;
      const check = rules.valued.get(flag);
      if (check === undefined) return refuseFlag(program, flag, rules);
      let value: string | undefined = arg.slice(c + 1);
      if (value === '') {
        value = args[i];
        i++;
      }
      if (value === undefined) return refuseValue(program, flag, 'needs a value');
      const why = check(value);
      if (why !== undefined) return refuseValue(program, flag, why);
      break;
    }
  }
  return checkPositionals(program, positionals, rules);
}

/**
 * `--allow-command` values: `kubectl` (any flags: the operator vouches for the program) or
 * `kubectl:-n=,--namespace=,-w` (only these flags; a trailing `=` means the flag takes a value).
 * Flags are parsed getopt-style; positional arguments are free.
 */
export function parseAllowedCommand(entry: string): { name: string; rules?: FlagRules } {
  const colon = entry.indexOf(':');
  if (colon < 0) return { name: entry };
  const name = entry.slice(0, colon);
  const switches = new Set<string>();
  const valued = new Map<string, ValueCheck>();
  for (const raw of entry
    .slice(colon + 1)
    .split(/[,\s]+/)
    .filter(Boolean)) {
    const flag = raw.endsWith('=') ? raw.slice(0, -1) : raw;
    if (!/^--?[A-Za-z0-9][\w.-]*$/.test(flag)) {
      throw new AviaryError(
        'USAGE',
        `--allow-command ${entry}: "${raw}" is not a flag; write flags as -n= or --namespace= (takes a value) or -w (a switch)`,
      );
    }
    if (raw.endsWith('=')) valued.set(flag, anything);
    else switches.add(flag);
  }
  return { name, rules: { style: 'getopt', switches, valued, positional: anything } };
}
