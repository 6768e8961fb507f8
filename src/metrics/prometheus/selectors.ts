import { AviaryError } from '../../errors.js';
/**
 * A small PromQL reader that finds the vector selectors in a query (`name{label="v", label=~"re"}[1m]`), enough
 * to explain an empty result one matcher at a time. It is not a PromQL parser: it skips strings, ranges,
 * function calls and grouping clauses (`by (le)`) and keeps every metric reference with its matchers.
 */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

export interface VectorSelector {
  metric: string;
  matchers: LabelMatcher[];
  /** The range written after the selector (`1m`), if any. */
  range?: string;
}

const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);

class Reader {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpace(): void {
    while (!this.done) {
      const c = this.peek();
      if (/\s/.test(c)) this.pos++;
      else if (c === '#') while (!this.done && this.peek() !== '\n') this.pos++;
      else break;
    }
  }
  identifier(): string {
    const m = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(this.text.slice(this.pos));
    this.pos += m?.[0].length ?? 0;
    return m?.[0] ?? '';
  }
  /** Reads a quoted string starting at the current quote and returns its decoded value. */
  string(): string {
    const quote = this.peek();
    this.pos++;
    let out = '';
    while (!this.done && this.peek() !== quote) {
      let c = this.peek();
      if (c === '\\' && quote !== '`') {
        this.pos++;
        c = this.peek();
        out += ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c;
      } else out += c;
      this.pos++;
    }
    this.pos++;
    return out;
  }
  /** Skips a balanced `( ... )` (used for grouping label lists). */
  skipParens(): void {
    let depth = 0;
    do {
      const c = this.peek();
      if (c === '"' || c === "'" || c === '`') {
        this.string();
        continue;
      }
      if (c === '(') depth++;
      if (c === ')') depth--;
      this.pos++;
    } while (!this.done && depth > 0);
  }
  /** Reads `[ ... ]` and returns its content. */
  bracket(): string {
    const end = this.text.indexOf(']', this.pos);
    const inner = this.text.slice(this.pos + 1, end < 0 ? undefined : end);
    this.pos = end < 0 ? this.text.length : end + 1;
    return inner.trim();
  }
}

function readMatchers(r: Reader): LabelMatcher[] {
  const matchers: LabelMatcher[] = [];
  r.pos++; // '{'
  for (;;) {
    r.skipSpace();
    if (r.done) throw new AviaryError('INVALID_SPEC', 'unterminated selector: missing "}"');
    if (r.peek() === '}') {
      r.pos++;
      return matchers;
    }
    if (r.peek() === ',') {
      r.pos++;
      continue;
    }
    const label = r.peek() === '"' ? r.string() : r.identifier();
    if (!label)
      throw new AviaryError('INVALID_SPEC', `unexpected "${r.peek()}" in selector at offset ${r.pos}`);
    r.skipSpace();
    const op = /^(=~|!~|!=|=)/.exec(r.text.slice(r.pos))?.[0] as MatchOp | undefined;
    if (!op)
      throw new AviaryError(
        'INVALID_SPEC',
        `expected a matcher operator after label ${label} at offset ${r.pos}`,
      );
    r.pos += op.length;
    r.skipSpace();
    const q = r.peek();
    if (q !== '"' && q !== "'" && q !== '`')
      throw new AviaryError('INVALID_SPEC', `expected a quoted value for label ${label}`);
    matchers.push({ label, op, value: r.string() });
  }
}

/** The vector selectors of `query`, in order of appearance. Throws on a malformed selector. */
export function extractSelectors(query: string): VectorSelector[] {
  const r = new Reader(query);
  const found: VectorSelector[] = [];
  const finish = (metric: string, matchers: LabelMatcher[]) => {
    const nameMatcher = matchers.find((m) => m.label === '__name__' && m.op === '=');
    const name = metric || nameMatcher?.value || '';
    const rest = matchers.filter((m) => m !== nameMatcher || metric !== '');
    r.skipSpace();
    const selector: VectorSelector = { metric: name, matchers: metric ? matchers : rest };
    if (r.peek() === '[') {
      const range = r.bracket();
      if (!range.includes(':')) selector.range = range; // a subquery's range is not the selector's window
    }
    if (name) found.push(selector);
  };
  while (!r.done) {
    r.skipSpace();
    const c = r.peek();
    if (c === '"' || c === "'" || c === '`') {
      r.string();
    } else if (c === '[') {
      r.bracket();
    } else if (c === '{') {
      finish('', readMatchers(r));
    } else if (/[0-9.]/.test(c)) {
      // numbers and durations (`0.99`, `1e3`, `5m` after offset)
      r.pos += /^[0-9.]+([eE][+-]?[0-9]+)?[A-Za-z0-9]*/.exec(r.text.slice(r.pos))?.[0].length || 1;
    } else if (/[A-Za-z_:]/.test(c)) {
      const word = r.identifier();
      r.skipSpace();
      const next = r.peek();
      if (GROUPING.has(word)) {
        if (next === '(') r.skipParens();
      } else if (next === '(' || KEYWORDS.has(word.toLowerCase())) {
        // a function call or an operator keyword: its arguments are read by the main loop
      } else if (AGGREGATIONS.has(word) && /^(by|without)\b/.test(r.text.slice(r.pos))) {
        // `sum by (le) (...)`: the grouping clause is skipped on the next turn
      } else if (next === '{') {
        finish(word, readMatchers(r));
      } else {
        finish(word, []);
      }
    } else {
      r.pos++;
    }
  }
  return found;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

export function formatMatcher(m: LabelMatcher): string {
  return `${m.label}${m.op}${quote(m.value)}`;
}

export function formatSelector(metric: string, matchers: readonly LabelMatcher[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.map(formatMatcher).join(',')}}`;
}

/** Prometheus regexes are RE2, fully anchored; `(?i)` and friends become JavaScript flags. */
function toRegExp(source: string): RegExp | undefined {
  const flags = /^\(\?([imsU]+)\)/.exec(source);
  const body = flags ? source.slice(flags[0].length) : source;
  const jsFlags = (flags?.[1] ?? '').replace(/[^ims]/g, '');
  try {
    return new RegExp(`^(?:${body})$`, jsFlags);
  } catch {
    return undefined;
  }
}

/** Whether a label value satisfies the matcher; undefined when the regex is beyond JavaScript's dialect. */
export function matcherAccepts(m: LabelMatcher, value: string): boolean | undefined {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
    case '!~': {
      const re = toRegExp(m.value);
      if (!re) return undefined;
      return re.test(value) === (m.op === '=~');
    }
  }
}
