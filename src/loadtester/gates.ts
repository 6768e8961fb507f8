/**
 * Manual gates, one promotion gate and one rollback gate per canary. Both start closed. In memory
 * only, like Flagger's loadtester: a restart closes every gate.
 *
 * Flagger keys them by the strings `<name>.<namespace>` and `rollback.<name>.<namespace>`, which
 * collide (`{name: "rollback.victim", namespace: "prod"}` is `victim.prod`'s rollback gate). Here the
 * store is keyed by the parts themselves; the dotted form is only what logs and answers show.
 */

export type GateKind = 'gate' | 'rollback';

export class GateStore {
  private readonly open = new Set<string>();

  /** How a gate is named in logs and answers (Flagger's spelling). */
  static label(kind: GateKind, name: string, namespace: string): string {
    return kind === 'gate' ? `${name}.${namespace}` : `rollback.${name}.${namespace}`;
  }

  isOpen(kind: GateKind, name: string, namespace: string): boolean {
    return this.open.has(storeKey(kind, name, namespace));
  }

  set(kind: GateKind, name: string, namespace: string, open: boolean): void {
    const key = storeKey(kind, name, namespace);
    if (open) this.open.add(key);
    else this.open.delete(key);
  }
}

function storeKey(kind: GateKind, name: string, namespace: string): string {
  return JSON.stringify([kind, namespace, name]);
}
