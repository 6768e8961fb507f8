/**
 * The inside of one `{{ ... }}` action, evaluated the way Go's text/template does for the subset Flagger's
 * documentation uses in queries: model names (`namespace`, `variables.code`), string and number literals,
 * function calls with arguments (`printf "%s-primary" target`), pipelines (`target | printf "%s-primary"`)
 * and parentheses. Functions: Go's printf, print, urlquery, index, len. Anything else is an error naming
 * what was not understood, so a query never goes out half-rendered.
 */
import { AviaryError } from '../errors.js';

export type TemplateValue = string | number | Readonly<Record<string, string>>;

/** Looks up a dotted name (`namespace`, `variables.code`, `$route`); throws for unknown names. */
export type NameLookup = (path: readonly string[]) => TemplateValue;

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'punct'; text: '|' | '(' | ')' };

type Node =
  | { kind: 'name'; path: string[] }
  | { kind: 'literal'; value: string | number }
  | { kind: 'pipeline'; commands: Node[][] };

const fail = (message: string): never => {
  throw new AviaryError('INVALID_SPEC', `query template: ${message}`);
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) i++;
    else if (c === '|' || c === '(' || c === ')') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"') {
      const end = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      if (!end) fail(`unterminated string in {{ ${text} }}`);
      tokens.push({ kind: 'string', text: JSON.parse(end![0]) as string });
      i += end![0].length;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) fail(`unterminated raw string in {{ ${text} }}`);
      tokens.push({ kind: 'string', text: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      const word = /^[^\s|()"`]+/.exec(text.slice(i))?.[0] ?? '';
      const number = Number(word);
      tokens.push(
        /^-?\d/.test(word) && Number.isFinite(number)
          ? { kind: 'number', value: number }
          : { kind: 'word', text: word },
      );
      i += word.length;
    }
  }
  return tokens;
}

function parse(text: string): Node {
  const tokens = tokenize(text);
  let at = 0;
  const pipeline = (): Node => {
    const commands: Node[][] = [[]];
    while (at < tokens.length) {
      const t = tokens[at++]!;
      const current = commands[commands.length - 1]!;
      if (t.kind === 'punct' && t.text === ')') {
        at--;
        break;
      }
      if (t.kind === 'punct' && t.text === '|') {
        if (current.length === 0) fail(`empty command before "|" in {{ ${text} }}`);
        commands.push([]);
      } else if (t.kind === 'punct') {
        current.push(pipeline());
        if (tokens[at]?.kind !== 'punct' || (tokens[at] as { text: string }).text !== ')')
          fail(`missing ")" in {{ ${text} }}`);
        at++;
      } else if (t.kind === 'word') current.push({ kind: 'name', path: t.text.split('.') });
      else current.push({ kind: 'literal', value: t.kind === 'string' ? t.text : t.value });
    }
    if (commands.some((c) => c.length === 0)) fail(`empty command in {{ ${text} }}`);
    return { kind: 'pipeline', commands };
  };
  const node = pipeline();
  if (at < tokens.length) fail(`unexpected ")" in {{ ${text} }}`);
  return node;
}

/** Go's fmt verbs that make sense in a query: %s %v %d %q %f and %%. */
function printf(format: unknown, ...args: TemplateValue[]): string {
  if (typeof format !== 'string') return fail('printf needs a format string first');
  let next = 0;
  return format.replace(/%([%svdqf])/g, (_, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++]!;
    if (verb === 'q') return JSON.stringify(text(arg));
    if (verb === 'd' && typeof arg === 'number') return String(Math.trunc(arg));
    return text(arg);
  });
}

function text(value: TemplateValue): string {
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, v]) => `${k}:${v}`).join(' ')}]`;
  }
  return String(value);
}

const FUNCTIONS: Record<string, (...args: TemplateValue[]) => TemplateValue> = {
  printf: (format, ...args) => printf(format, ...args),
  // Go's print puts a space only between two operands that are not strings.
  print: (...args) =>
    args
      .map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + text(a))
      .join(''),
  urlquery: (...args) => new URLSearchParams({ q: args.map(text).join('') }).toString().slice(2),
  index: (collection, ...keys) => {
    let value: TemplateValue | undefined = collection;
    for (const key of keys) {
      if (typeof value !== 'object') return fail(`index of a ${typeof value}`);
      value =
        value[text(key)] ??
        fail(`index: no key "${text(key)}" (there are: ${Object.keys(value).join(', ') || 'none'})`);
    }
    return value ?? '';
  },
  len: (value) =>
    typeof value === 'object'
      ? Object.keys(value).length
      : typeof value === 'string'
        ? value.length
        : fail('len of a number'),
};

function evaluate(node: Node, lookup: NameLookup): TemplateValue {
  if (node.kind === 'literal') return node.value;
  if (node.kind === 'name') return lookup(node.path);
  let piped: TemplateValue | undefined;
  for (const command of node.commands) {
    const [first, ...rest] = command;
    const fn = first?.kind === 'name' && first.path.length === 1 ? FUNCTIONS[first.path[0] ?? ''] : undefined;
    const args = rest.map((n) => evaluate(n, lookup));
    if (piped !== undefined) args.push(piped);
    if (fn) piped = fn(...args);
    else if (args.length === 0) piped = evaluate(first!, lookup);
    else
      return fail(
        `${first?.kind === 'name' ? first.path.join('.') : 'a literal'} is not a function (known: ${Object.keys(FUNCTIONS).join(', ')})`,
      );
  }
  return piped ?? '';
}

/** Evaluates the text inside one action and returns what Go would print for it. */
export function evaluateAction(expression: string, lookup: NameLookup): string {
  return text(evaluate(parse(expression), lookup));
}
