/**
 * The top-level folders of src depend on each other one way (docs/architecture.md draws the map). This
 * reads the import statements (static, `export ... from` and dynamic `import()`) of every file the build
 * ships and fails on a cycle between two or more folders, naming an import on each edge of it.
 *
 * Tests beside the code and `testing/` doubles are left out, as tsconfig.build.json leaves them out of
 * the build: a test may borrow another folder's fixtures without making the product depend on it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Folder edges that may close a cycle, each with its reason. Empty: none may. */
const ALLOWED: { from: string; to: string; reason: string }[] = [];

type Graph = Map<string, Map<string, string>>; // from -> to -> one import that makes the edge

function shipped(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : shipped(path);
    const isSource = entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts');
    return isSource && entry.name !== 'testing.ts' ? [path] : [];
  });
}

/** The top-level folder of a path under src; files directly in src are "(src)". */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0]! : '(src)';
}

function folderGraph(files: string[]): Graph {
  const graph: Graph = new Map();
  for (const file of files) {
    const from = folderOf(file);
    const imports = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    for (const { fileName } of imports) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName);
      if (relative(SRC, target).startsWith('..')) continue;
      const to = folderOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(SRC, file)} imports ${fileName}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Strongly connected components of more than one folder (Tarjan): each is a set of folders in a cycle. */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((edges) => [...edges.keys()])]);
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) visit(node);
  return found;
}

function describeCycle(graph: Graph, folders: string[]): string {
  const inside = new Set(folders);
  const edges = folders.flatMap((from) =>
    [...(graph.get(from) ?? [])]
      .filter(([to]) => inside.has(to))
      .map(([to, why]) => `  ${from} -> ${to}: ${why}`),
  );
  return `cycle between ${folders.join(', ')}:\n${edges.join('\n')}`;
}

function withoutAllowed(graph: Graph): Graph {
  const kept: Graph = new Map();
  for (const [from, edges] of graph) {
    kept.set(
      from,
      new Map([...edges].filter(([to]) => !ALLOWED.some((a) => a.from === from && a.to === to))),
    );
  }
  return kept;
}

describe('src folders', () => {
  const graph = folderGraph(shipped(SRC));

  it('read the imports it checks (the engine uses the api types, the CLI the engine)', () => {
    expect(graph.get('engine')?.has('api')).toBe(true);
    expect(graph.get('cli')?.has('engine')).toBe(true);
  });

  it('depend on each other one way: no cycle between top-level folders', () => {
    const found = cycles(withoutAllowed(graph)).map((folders) => describeCycle(graph, folders));
    expect(found, found.join('\n')).toEqual([]);
  });

  it('allow no edge that is not there any more', () => {
    const stale = ALLOWED.filter(({ from, to }) => !graph.get(from)?.has(to));
    expect(stale).toEqual([]);
  });

  it('would report a cycle through three folders, naming each import on it', () => {
    const toy: Graph = new Map([
      ['a', new Map([['b', 'a/x.ts imports ../b/y.js']])],
      ['b', new Map([['c', 'b/y.ts imports ../c/z.js']])],
      ['c', new Map([['a', 'c/z.ts imports ../a/x.js']])],
      ['d', new Map([['a', 'd/w.ts imports ../a/x.js']])],
    ]);
    const [only, ...rest] = cycles(toy);
    expect(rest).toEqual([]);
    expect(only).toEqual(['a', 'b', 'c']);
    expect(describeCycle(toy, only!)).toContain('c -> a: c/z.ts imports ../a/x.js');
  });
});
