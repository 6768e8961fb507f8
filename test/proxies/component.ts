/**
 * A proxy binary of the version pinned in scripts/components/<name>/go.mod, from the component cache of
 * scripts/build-components.sh (or an override variable), built now when this machine has none. Never
 * skipped: scripts/test.sh builds it with the other components, and a failed build fails the test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..');

export interface Component {
  /** scripts/components/<name>, also the binary's name. */
  name: string;
  /** The Go module whose pinned version the binary must report. */
  module: string;
  /**
   * Arguments that print the version, and how a line of their output starts (`%v` = the version; runs
   * of spaces count as one; the line may go on after a space).
   */
  versionArgs: string[];
  versionLine: string;
  /** Environment variable naming a binary to use instead. */
  override: string;
}

function pinnedVersion(component: Component): string {
  const goMod = readFileSync(join(REPO, 'scripts/components', component.name, 'go.mod'), 'utf8');
  const pinned = new RegExp(`${component.module.replace(/[.]/g, '\\.')} (v\\S+)`).exec(goMod)?.[1];
  if (!pinned)
    throw new Error(`scripts/components/${component.name}/go.mod does not pin ${component.module}`);
  return pinned;
}

function find(component: Component, version: string): string | undefined {
  const cache = join(
    process.env.AVIARY_CACHE ?? join(homedir(), '.cache', 'aviary'),
    'components',
    'by-component',
  );
  const built = existsSync(cache)
    ? readdirSync(cache)
        .filter((d) => d.startsWith(`${component.name}-`) && existsSync(join(cache, d, '.complete')))
        .map((d) => join(cache, d, 'bin', component.name))
    : [];
  const line = component.versionLine.replace('%v', version);
  return [process.env[component.override], ...built]
    .filter((f): f is string => !!f)
    .find((file) => {
      if (!existsSync(file)) return false;
      const run = spawnSync(file, component.versionArgs, { encoding: 'utf8', timeout: 10_000 });
      return (
        run.status === 0 &&
        (run.stdout + run.stderr).split('\n').some((l) => {
          const text = l.trim().replace(/\s+/g, ' ');
          return text === line || text.startsWith(`${line} `);
        })
      );
    });
}

export function componentBinary(component: Component): string {
  const version = pinnedVersion(component);
  const found = find(component, version);
  if (found) return found;
  const build = spawnSync('bash', ['scripts/build-components.sh'], {
    cwd: REPO,
    env: { ...process.env, AVIARY_COMPONENTS: component.name },
    encoding: 'utf8',
    timeout: 30 * 60_000,
  });
  const built = find(component, version);
  if (!built)
    throw new Error(
      `${component.name} ${version} not found and its build failed (build it with ` +
        `\`AVIARY_COMPONENTS=${component.name} bash scripts/build-components.sh\`, minutes cold, or set ` +
        `${component.override}):\n${build.stderr}`,
    );
  return built;
}
