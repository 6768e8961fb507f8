/**
 * Regenerates test/fixtures/flagger-canaries/ from a Flagger checkout: every `kind: Canary` document in
 * Flagger's repository, one per file. It reads YAML files, the Helm chart templates (rendered with
 * `helm template`), the YAML blocks of the Markdown docs and the heredocs of the e2e shell scripts.
 *
 *   npx tsx scripts/flagger-canaries.ts <flagger checkout> [--helm <helm binary>]
 *
 * The checkout must be a git work tree (its commit and tag go into the README). test/flagger-canaries
 * reads only the copies this writes, never the checkout.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, parseAllDocuments } from 'yaml';

const OUT = fileURLToPath(new URL('../test/fixtures/flagger-canaries/', import.meta.url));
const CANARIES = join(OUT, 'canaries');

/**
 * Values for the shell variables the e2e heredocs use, as Flagger's e2e scripts set them (test/*\/run.sh
 * and the workflow export them; these are the values a user copying the manifest would put there). An
 * unknown variable stops the script, so a new one is a decision, not a silent empty string.
 */
const SHELL_VARIABLES: Record<string, string> = {};

/** Chart values that switch on every optional block of a chart's Canary template. */
const CHART_RENDERS: Record<string, { name: string; set: string[] }[]> = {
  'charts/podinfo': [
    { name: 'defaults', set: ['canary.enabled=true'] },
    {
      name: 'all-options',
      set: [
        'canary.enabled=true',
        'canary.istioIngress.enabled=true',
        // values.yaml leaves the host empty for the user to fill in
        'canary.istioIngress.host=podinfo.example.com',
        'canary.helmtest.enabled=true',
        'canary.loadtest.enabled=true',
      ],
    },
  ],
};

/**
 * The `-mesh-provider` Flagger runs with where a Canary comes from: Flagger's own words for that place
 * (`meshProvider=X` / `mesh-provider=X` in the tutorial, or in the e2e suite's folder; else the
 * `kustomize/<name>` overlay they install, whose patch sets it; for `artifacts/examples/<name>-*.yaml`
 * that overlay), else the flag's default in cmd/flagger/main.go. Aviary's `validate --mesh-provider`
 * gets the same, so a Canary without spec.provider is checked against the router that would run it.
 */
function meshProviderOf(
  checkout: string,
  files: string[],
  source: string,
): { provider: string; from: string } {
  const read = (file: string) => readFileSync(join(checkout, file), 'utf8');
  const flag = (text: string) => /(?:meshProvider|mesh-provider)=([\w:.-]+)/.exec(text)?.[1];
  const overlay = (text: string) => {
    for (const [, name] of text.matchAll(/kustomize\/([\w-]+)/g)) {
      const patch = `kustomize/${name}/patch.yaml`;
      const provider = files.includes(patch) ? flag(read(patch)) : undefined;
      if (provider) return { provider, from: patch };
    }
    return undefined;
  };
  const suite = /^test\/[\w-]+\//.exec(source)?.[0];
  // a tutorial or an e2e suite installs one Flagger; the FAQ, READMEs and changelog mention many
  const tutorial = source.startsWith('docs/gitbook/tutorials/');
  const places = suite
    ? files.filter((f) => f.startsWith(suite) && /\.(sh|ya?ml)$/.test(f))
    : tutorial
      ? [source]
      : [];
  for (const place of places) {
    const provider = flag(read(place));
    if (provider) return { provider, from: place };
  }
  for (const place of places) {
    const found = overlay(read(place));
    if (found) return found;
  }
  const example = /^artifacts\/examples\/([a-z]+)-/.exec(source)?.[1];
  const fromName = example ? overlay(`kustomize/${example}`) : undefined;
  if (fromName) return fromName;
  const main = 'cmd/flagger/main.go';
  const provider = /"mesh-provider",\s*"([\w:.-]+)"/.exec(read(main))?.[1];
  if (!provider) throw new Error(`${main}: no default for -mesh-provider`);
  return { provider, from: `${main} (the flag's default)` };
}

interface Found {
  /** Path in Flagger's repository. */
  source: string;
  /** Where in the file, for the header line: `line 12`, `render defaults`. */
  where: string;
  /** Short suffix that keeps file names unique within one source. */
  suffix: string;
  text: string;
}

interface Unreadable {
  source: string;
  where: string;
  reason: string;
}

const unreadable: Unreadable[] = [];

function main(): void {
  const args = process.argv.slice(2);
  const checkout = args[0];
  if (!checkout) throw new Error('usage: tsx scripts/flagger-canaries.ts <flagger checkout> [--helm <helm>]');
  const helmIndex = args.indexOf('--helm');
  const helm = helmIndex > 0 ? args[helmIndex + 1] : 'helm';
  if (!helm) throw new Error('--helm needs the path of a helm binary');
  const git = (...a: string[]) => execFileSync('git', ['-C', checkout, ...a], { encoding: 'utf8' }).trim();
  const commit = git('rev-parse', 'HEAD');
  const tag = git('describe', '--tags', '--always');
  const files = git('ls-files').split('\n');

  const found: Found[] = [];
  for (const file of files) {
    const text = () => readFileSync(join(checkout, file), 'utf8');
    if (/\.ya?ml$/.test(file) && !file.includes('/templates/')) found.push(...fromYamlFile(file, text()));
    else if (file.endsWith('.md')) found.push(...fromMarkdown(file, text()));
    else if (file.endsWith('.sh')) found.push(...fromShell(file, text(), `heredoc at line`));
  }
  for (const [chart, renders] of Object.entries(CHART_RENDERS))
    for (const render of renders) found.push(...fromChart(checkout, helm, chart, render));

  rmSync(CANARIES, { recursive: true, force: true });
  mkdirSync(CANARIES, { recursive: true });
  const meshProviders: Record<string, { provider: string; from: string }> = {};
  for (const canary of found) {
    const name = `${canary.source.replaceAll('/', '__')}--${canary.suffix}.yaml`;
    if (meshProviders[name]) throw new Error(`two Canaries would be written to ${name}`);
    meshProviders[name] = meshProviderOf(checkout, files, canary.source);
    const header = `# Flagger ${tag} (${commit.slice(0, 12)}) ${canary.source}, ${canary.where}\n`;
    writeFileSync(join(CANARIES, name), header + canary.text.replace(/\n*$/, '\n'));
  }
  copyFileSync(join(checkout, 'LICENSE'), join(OUT, 'LICENSE'));
  copyFileSync(join(checkout, 'artifacts/flagger/crd.yaml'), join(OUT, 'crd.yaml'));
  writeFileSync(
    join(OUT, 'sources.json'),
    `${JSON.stringify({ commit, tag, canaries: found.length, unreadable, meshProviders }, null, 2)}\n`,
  );
  console.log(`wrote ${found.length} Canaries to ${relative(process.cwd(), CANARIES)}`);
  for (const u of unreadable) console.log(`not read: ${u.source} ${u.where}: ${u.reason}`);
}

/** Every Canary document of a YAML stream, each as its own source text (comments kept). */
function canaryDocuments(text: string): { text: string; line: number }[] | Error {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return [];
  const out: { text: string; line: number }[] = [];
  for (const doc of docs) {
    if (doc.errors[0]) return new Error(doc.errors[0].message.split('\n')[0]);
    if (!isMap(doc.contents) || (doc.toJS() as { kind?: unknown }).kind !== 'Canary') continue;
    const [start, , end] = doc.contents.range;
    out.push({ text: text.slice(start, end), line: text.slice(0, start).split('\n').length });
  }
  return out;
}

function fromYamlFile(source: string, text: string): Found[] {
  if (!/^kind:\s*Canary\s*$/m.test(text)) return [];
  return collect(source, text, 'line', 0);
}

/** Canary documents of `text` (which starts at line `offset + 1` of `source`); unparseable ones are noted. */
function collect(source: string, text: string, label: string, offset: number): Found[] {
  const docs = canaryDocuments(text);
  if (docs instanceof Error) {
    if (/^\s*kind:\s*Canary\s*$/m.test(text))
      unreadable.push({ source, where: `${label} ${offset + 1}`, reason: docs.message });
    return [];
  }
  return docs.map((doc) => ({
    source,
    where: `${label} ${offset + doc.line}`,
    suffix: `L${offset + doc.line}`,
    text: doc.text,
  }));
}

/** YAML blocks of fenced code (```yaml, ```yml, and shell blocks holding heredocs). */
function fromMarkdown(source: string, text: string): Found[] {
  const found: Found[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```\s*(\w*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const lang = open[2] ?? '';
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end] ?? '')) end++;
    const body = lines
      .slice(i + 1, end)
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    if (/^kind:\s*Canary\s*$/m.test(body)) {
      if (/<<-?\s*['"]?\w+/.test(body)) found.push(...fromShell(source, body, 'heredoc at line', i + 1));
      else if (!lang || /^(ya?ml|bash|sh|shell|console)$/.test(lang))
        found.push(...collect(source, body, 'line', i + 1));
    }
    i = end;
  }
  return found;
}

/** Heredocs (`<<EOF`, `<<'EOF'`, `<<-EOF`) of a shell script; unquoted ones get SHELL_VARIABLES. */
function fromShell(source: string, text: string, label: string, offset = 0): Found[] {
  const found: Found[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = /<<(-?)\s*(['"]?)(\w+)\2/.exec(lines[i] ?? '');
    if (!start) continue;
    const [, dash, quote, word] = start;
    let end = i + 1;
    while (end < lines.length && (dash ? lines[end]?.trim() : lines[end]) !== word) end++;
    let body = lines.slice(i + 1, end).join('\n');
    if (dash) body = body.replace(/^\t+/gm, '');
    if (!quote) body = expand(body, `${source} ${label} ${offset + i + 2}`);
    found.push(...collect(source, body, label, offset + i + 1));
    i = end;
  }
  return found;
}

/** What bash does to an unquoted heredoc, for the forms Flagger's scripts use: `$NAME`, `${NAME}`, `\$`. */
function expand(body: string, where: string): string {
  if (/\$\(/.test(body)) throw new Error(`${where}: command substitution in a heredoc; add a rule for it`);
  return body.replace(/\\\$|\$\{(\w+)\}|\$([A-Za-z_]\w*)/g, (match, braced?: string, bare?: string) => {
    if (match === '\\$') return '$';
    const name = braced ?? bare ?? '';
    const value = SHELL_VARIABLES[name];
    if (value === undefined)
      throw new Error(`${where}: no value for shell variable $${name}; add it to SHELL_VARIABLES`);
    return value;
  });
}

function fromChart(
  checkout: string,
  helm: string,
  chart: string,
  render: { name: string; set: string[] },
): Found[] {
  const rendered = execFileSync(
    helm,
    [
      'template',
      'podinfo',
      join(checkout, chart),
      '--namespace',
      'test',
      ...render.set.flatMap((s) => ['--set', s]),
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  const docs = canaryDocuments(rendered);
  if (docs instanceof Error) throw new Error(`helm template ${chart} (${render.name}): ${docs.message}`);
  return docs.map((doc) => ({
    source: `${chart}/templates/canary.yaml`,
    where: `helm template podinfo --namespace test --set ${render.set.join(',')}`,
    suffix: render.name,
    text: doc.text,
  }));
}

main();
