import type { ResourceType, ServedVersion } from './types.js';

/** Kubernetes version priority: GA before beta before alpha, higher numbers first, others last. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const stage = m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] ?? 0) - (rb[i] ?? 0);
  return a.localeCompare(b);
}

export interface ResolvedResource {
  rt: ResourceType;
  version: ServedVersion;
}

/** The set of served resources: built-ins plus whatever CRDs are registered. Discovery reads it too. */
export class Registry {
  private readonly resources = new Map<string, ResourceType>();

  register(rt: ResourceType): void {
    this.resources.set(`${rt.group}/${rt.plural}`, rt);
  }

  unregister(group: string, plural: string): void {
    this.resources.delete(`${group}/${plural}`);
  }

  get(group: string, plural: string): ResourceType | undefined {
    return this.resources.get(`${group}/${plural}`);
  }

  resolve(group: string, version: string, plural: string): ResolvedResource | undefined {
    const rt = this.get(group, plural);
    const served = rt?.versions.find((v) => v.name === version);
    return rt && served ? { rt, version: served } : undefined;
  }

  /** Finds a resource by kind (as in an object's apiVersion/kind), for seeding and owner references. */
  byKind(group: string, kind: string): ResourceType | undefined {
    return this.all().find((rt) => rt.group === group && rt.kind === kind);
  }

  all(): ResourceType[] {
    return [...this.resources.values()];
  }

  /** Group names with their versions ordered by priority; the core group ('') included. */
  groups(): { name: string; versions: string[] }[] {
    const byGroup = new Map<string, Set<string>>();
    for (const rt of this.resources.values()) {
      const versions = byGroup.get(rt.group) ?? new Set<string>();
      for (const v of rt.versions) versions.add(v.name);
      byGroup.set(rt.group, versions);
    }
    return [...byGroup.entries()].map(([name, versions]) => ({
      name,
      versions: [...versions].sort(compareVersions),
    }));
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((rt) => rt.group === group && rt.versions.some((v) => v.name === version));
  }
}
