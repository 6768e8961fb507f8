/**
 * Manual gates, keyed as Flagger keys them: `<name>.<namespace>` for the promotion gate and
 * `rollback.<name>.<namespace>` for the rollback gate. Both start closed. In memory only, like
 * Flagger's loadtester: a restart closes every gate.
 */

export type GateKind = 'gate' | 'rollback';

export class GateStore {
  private readonly open = new Set<string>();

  static key(kind: GateKind, name: string, namespace: string): string {
    return kind === 'gate' ? `${name}.${namespace}` : `rollback.${name}.${namespace}`;
  }

  isOpen(kind: GateKind, name: string, namespace: string): boolean {
    return this.open.has(GateStore.key(kind, name, namespace));
  }

  set(kind: GateKind, name: string, namespace: string, open: boolean): void {
    const key = GateStore.key(kind, name, namespace);
    if (open) this.open.add(key);
    else this.open.delete(key);
  }
}
