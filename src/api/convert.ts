/**
 * `aviary convert`: rewrites Flagger manifests (`flagger.app/*` Canary, MetricTemplate, AlertProvider)
 * as `aviary.dev/v1beta1`. Field meanings are the same, so the rewrite is small, and it is done as text
 * edits at the exact source ranges the YAML parser reports: comments, key order, quoting, flow style
 * and every other document stay byte for byte as they were.
 */
import { isMap, isScalar, LineCounter, parseAllDocuments, type Pair, type YAMLMap } from 'yaml';
import { AviaryError } from '../errors.js';
import { API_VERSION, FLAGGER_API_VERSION } from './api-version.js';
import { METRIC_PROVIDER_TYPES } from './schema/index.js';

export interface ConvertResult {
  /** The whole YAML stream, converted documents rewritten and all others untouched. */
  text: string;
  /** How many documents were rewritten. */
  converted: number;
  /** One line per change worth knowing about, prefixed with `doc N Kind/name`. */
  notes: string[];
}

const CONVERTED_KINDS = new Set(['Canary', 'MetricTemplate', 'AlertProvider']);

interface Edit {
  start: number;
  end: number;
  text: string;
}

export function convertFlagger(yamlText: string): ConvertResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(yamlText, { lineCounter });
  const edits: Edit[] = [];
  const notes: string[] = [];
  let converted = 0;
  for (const [index, doc] of (Array.isArray(docs) ? docs : []).entries()) {
    const error = doc.errors[0];
    if (error) {
      const pos = lineCounter.linePos(error.pos[0]);
      throw new AviaryError(
        'INVALID_SPEC',
        `YAML syntax error in document ${index + 1} at line ${pos.line}, column ${pos.col}: ${error.message.split('\n')[0]}`,
      );
    }
    const root = doc.contents;
    if (!isMap(root)) continue;
    const apiVersion = pairOf(root, 'apiVersion');
    const kind = String(scalarValue(pairOf(root, 'kind')) ?? '');
    const version = scalarValue(apiVersion);
    if (typeof version !== 'string' || !version.startsWith('flagger.app/')) continue;
    const metadata = pairOf(root, 'metadata')?.value;
    const name = isMap(metadata) ? String(scalarValue(pairOf(metadata, 'name')) ?? '?') : '?';
    const where = `doc ${index + 1} ${kind || '?'}/${name}`;
    if (!CONVERTED_KINDS.has(kind)) {
      notes.push(`${where}: left as is: ${version} ${kind} has no Aviary equivalent`);
      continue;
    }
    edits.push(replaceScalar(yamlText, apiVersion as Pair, version, API_VERSION));
    converted++;
    notes.push(`${where}: apiVersion ${version} -> ${API_VERSION}`);
    if (version !== FLAGGER_API_VERSION)
      notes.push(
        `${where}: was ${version}; fields were read as v1beta1, check them with \`aviary validate\``,
      );
    const spec = pairOf(root, 'spec')?.value;
    if (!isMap(spec)) continue;
    if (kind === 'Canary') edits.push(...renameCanaryAnalysis(yamlText, spec, where, notes));
    if (kind === 'Canary') edits.push(...knativeServiceBlock(yamlText, spec, where, notes));
    if (kind === 'MetricTemplate') noteMetricProvider(spec, where, notes);
  }
  if (converted === 0)
    notes.push('no flagger.app Canary, MetricTemplate or AlertProvider documents found; nothing changed');
  return { text: applyEdits(yamlText, edits), converted, notes };
}

/** Flagger's v1alpha3 name `canaryAnalysis` becomes `analysis`; with both, Flagger used `analysis`. */
function renameCanaryAnalysis(source: string, spec: YAMLMap, where: string, notes: string[]): Edit[] {
  const old = pairOf(spec, 'canaryAnalysis');
  if (!old) return [];
  if (pairOf(spec, 'analysis')) {
    notes.push(
      `${where}: removed spec.canaryAnalysis: spec.analysis is also set and is the one Flagger used`,
    );
    return [removePair(source, old)];
  }
  notes.push(`${where}: renamed deprecated spec.canaryAnalysis to spec.analysis`);
  return [replaceScalar(source, old, 'canaryAnalysis', 'analysis', 'key')];
}

/**
 * Flagger's schema lets a Knative Canary leave out `service` (Knative routes between revisions, nothing
 * reads a port); Aviary's requires it, so one is added: `port: 80`, the port Knative serves on.
 */
function knativeServiceBlock(source: string, spec: YAMLMap, where: string, notes: string[]): Edit[] {
  const targetRef = pairOf(spec, 'targetRef');
  const ref = targetRef?.value;
  const apiVersion = isMap(ref) ? scalarValue(pairOf(ref, 'apiVersion')) : undefined;
  if (
    pairOf(spec, 'service') ||
    typeof apiVersion !== 'string' ||
    !apiVersion.startsWith('serving.knative.dev/')
  )
    return [];
  const keyStart = (targetRef?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
  if (keyStart === undefined || spec.flow) return [];
  const lineStart = source.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = source.slice(lineStart, keyStart);
  if (indent.trim() !== '') return [];
  notes.push(
    `${where}: added spec.service (port 80) for the Knative Service target; Aviary's schema requires it`,
  );
  return [{ start: lineStart, end: lineStart, text: `${indent}service:\n${indent}  port: 80\n` }];
}

function noteMetricProvider(spec: YAMLMap, where: string, notes: string[]): void {
  const provider = pairOf(spec, 'provider')?.value;
  const type = isMap(provider) ? scalarValue(pairOf(provider, 'type')) : undefined;
  if (typeof type === 'string' && !(METRIC_PROVIDER_TYPES as readonly string[]).includes(type))
    notes.push(
      `${where}: provider type ${type} is unknown (Flagger fell back to prometheus); set spec.provider.type: prometheus`,
    );
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
}

function scalarValue(pair: Pair | undefined): unknown {
  return pair && isScalar(pair.value) ? pair.value.value : undefined;
}

/** Replaces a scalar's text in place, keeping its quoting. */
function replaceScalar(
  source: string,
  pair: Pair,
  from: string,
  to: string,
  side: 'key' | 'value' = 'value',
): Edit {
  const node = side === 'key' ? pair.key : pair.value;
  const range = (node as { range?: [number, number, number] }).range;
  if (!range) throw new AviaryError('INTERNAL', `no source range for ${from}`);
  const [start, end] = range;
  return { start, end, text: source.slice(start, end).replace(from, to) };
}

/** Removes a block-mapping pair with its lines (key line through the end of its value). */
function removePair(source: string, pair: Pair): Edit {
  const keyRange = (pair.key as { range?: [number, number, number] }).range;
  const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
  if (!keyRange) throw new AviaryError('INTERNAL', 'no source range for a key');
  const lineStart = (offset: number) => source.lastIndexOf('\n', offset - 1) + 1;
  const start = /^[ \t]*$/.test(source.slice(lineStart(keyRange[0]), keyRange[0]))
    ? lineStart(keyRange[0])
    : keyRange[0];
  let end = valueRange ? valueRange[2] : keyRange[2];
  if (/^[ \t]*$/.test(source.slice(lineStart(end), end))) end = lineStart(end);
  else if (source[end] === '\n') end += 1;
  return { start, end, text: '' };
}

function applyEdits(source: string, edits: Edit[]): string {
  let text = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start))
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}
