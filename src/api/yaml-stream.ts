/**
 * Parsing a YAML stream with bounds. The `yaml` package's parser slows down with nesting (a million `[`
 * take seconds) and its duplicate-key check is quadratic (50,000 keys took 34 s), so the tokens are
 * counted as they are read and parsing stops at the first bound passed; duplicate keys are found here
 * in one pass instead.
 */
import {
  Composer,
  CST,
  isMap,
  isScalar,
  isSeq,
  isPair,
  Lexer,
  Parser,
  type Document,
  type LineCounter,
} from 'yaml';
import { count, LIMITS } from './limits.js';
import type { FieldProblem } from './problems.js';

export interface StreamStop {
  /** 0-based document the bound was passed in. */
  document: number;
  /** Offset in the text where it was passed. */
  offset: number;
  problem: FieldProblem;
}

export interface ParsedStream {
  documents: Document.Parsed[];
  /** Set when parsing stopped at a bound; `documents` is then empty. */
  stopped?: StreamStop;
}

/** Token types that start a node (or a document), counted toward LIMITS.yamlNodes. */
const NODE_TOKENS = new Set([
  'doc-mode',
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'block-scalar-header',
  'alias',
  'flow-map-start',
  'flow-seq-start',
  'seq-item-ind',
  'explicit-key-ind',
]);

export function parseYamlStream(text: string, lineCounter: LineCounter): ParsedStream {
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  let documents = 0;
  let nodes = 0;
  let flowDepth = 0;
  let lineIndicators = 0;
  let atScalar = false;
  lineCounter.addNewLine(0);
  const stop = (problem: FieldProblem): ParsedStream => ({
    documents: [],
    stopped: { document: documents, offset: parser.offset, problem },
  });
  for (const lexeme of new Lexer().lex(text)) {
    if (atScalar) {
      atScalar = false; // the scalar's own text, whatever characters it holds
    } else {
      const type = CST.tokenType(lexeme);
      if (type === 'scalar') atScalar = true;
      if (type && NODE_TOKENS.has(type) && ++nodes > LIMITS.yamlNodes)
        return stop({
          path: '',
          message: `has more than ${count(LIMITS.yamlNodes)} YAML values`,
          fix: 'split it into smaller files; a Canary has a few hundred',
        });
      if (type === 'flow-seq-start' || type === 'flow-map-start') flowDepth++;
      else if (type === 'flow-seq-end' || type === 'flow-map-end') flowDepth = Math.max(0, flowDepth - 1);
      else if (type === 'newline') lineIndicators = 0;
      else if (type === 'seq-item-ind' || type === 'explicit-key-ind') lineIndicators++;
      if (flowDepth > LIMITS.depth || lineIndicators > LIMITS.depth)
        return stop({
          path: '',
          message: `nests more than ${LIMITS.depth} levels deep`,
          fix: 'flatten it; no Aviary field nests that deep',
        });
    }
    for (const token of parser.next(lexeme)) {
      if (token.type === 'document') documents++;
      tokens.push(token);
    }
    if (documents > LIMITS.documents)
      return stop({
        path: '',
        message: `has more than ${count(LIMITS.documents)} documents`,
        fix: 'split it into smaller files',
      });
  }
  for (const token of parser.end()) tokens.push(token);
  // uniqueKeys off: duplicateKeys() below does the same check in linear time
  const composer = new Composer({ uniqueKeys: false });
  return { documents: Array.from(composer.compose(tokens)) };
}

export interface DuplicateKey {
  key: string;
  /** Offset of the repeated key, and of its first occurrence. */
  offset: number;
  first: number;
}

/** Keys that appear twice in one mapping (scalar keys; complex keys are compared by YAML as a whole). */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Map<unknown, number>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const start = key.range?.[0] ?? 0;
          const first = seen.get(key.value);
          if (first !== undefined) out.push({ key: String(key.value), offset: start, first });
          else seen.set(key.value, start);
        } else if (key) stack.push(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
