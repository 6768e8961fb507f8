/**
 * `aviary convert -f in.yaml -o out.yaml` then `aviary validate --mesh-provider P -f out.yaml`, in this
 * process through the CLI's own entry point (src/cli/main.ts), as a user would type them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMain } from '../../src/cli/testing/run-main.js';

const dir = mkdtempSync(path.join(tmpdir(), 'aviary-flagger-corpus-'));

export interface AviaryVerdict {
  /** What `aviary convert` wrote. */
  converted: string;
  /** Exit code of `aviary validate` (0: accepted). */
  code: number;
  /** Validate's problem lines, without the file name, errors and warnings alike. */
  problems: string[];
  /** Validate's error lines only (what makes it refuse). */
  errors: string[];
}

export async function convertThenValidate(
  name: string,
  text: string,
  meshProvider: string,
): Promise<AviaryVerdict> {
  const input = path.join(dir, name);
  const output = path.join(dir, `converted.${name}`);
  writeFileSync(input, text);
  const convert = await runMain('convert', '-f', input, '-o', output);
  if (convert.code !== 0) throw new Error(`aviary convert -f ${name} failed: ${convert.stderr}`);
  const converted = readFileSync(output, 'utf8');
  return { converted, ...(await validateText(`converted.${name}`, converted, meshProvider)) };
}

export async function validateText(
  name: string,
  text: string,
  meshProvider: string,
): Promise<Omit<AviaryVerdict, 'converted'>> {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const result = await runMain('validate', '--mesh-provider', meshProvider, '-f', file);
  const problems = result.stdout
    .split('\n')
    .filter((line) => line.startsWith(`${file}:`))
    .map((line) => line.slice(file.length + 1));
  return { code: result.code, problems, errors: problems.filter((p) => !/: warning: /.test(p)) };
}
