/**
 * `kubectl kustomize <dir>` with the real kubectl, parsed; and the roles bound to the controller's
 * ServiceAccount in what it renders (the RBAC test checks the controller's calls against them).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../cluster/objects.js';
import type { BoundRole, PolicyRule } from '../rbac/rbac.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** `kubectl` is the binary to run (tests pass the one built for the test cluster, testCluster().bin). */
export async function kustomize(
  dir: string,
  kubectl = 'kubectl',
): Promise<{ text: string; objects: KubeObject[] }> {
  const { stdout } = await promisify(execFile)(kubectl, ['kustomize', `${REPO}${dir}`], {
    maxBuffer: 32 * 1024 * 1024,
  });
  const objects = parseAllDocuments(stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  return { text: stdout, objects };
}

interface Binding {
  roleRef: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

/** The controller Deployment's ServiceAccount and every role bound to it in `objects`. */
export function controllerRoles(objects: KubeObject[]): { serviceAccount: string; roles: BoundRole[] } {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'aviary');
  if (!deployment) throw new Error('no Deployment "aviary" in the rendered manifests');
  const namespace = deployment.metadata.namespace ?? 'default';
  const saName =
    (deployment.spec as { template: { spec: { serviceAccountName?: string } } }).template.spec
      .serviceAccountName ?? 'default';
  const boundToController = (b: Binding, bindingNamespace?: string) =>
    (b.subjects ?? []).some(
      (s) =>
        s.kind === 'ServiceAccount' && s.name === saName && (s.namespace ?? bindingNamespace) === namespace,
    );
  const rulesOf = (kind: string, name: string, ns?: string) => {
    const role = objects.find(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        (kind === 'ClusterRole' || o.metadata.namespace === ns),
    );
    if (!role) throw new Error(`${kind} ${name} is bound to the controller but not rendered`);
    return (role as unknown as { rules?: PolicyRule[] }).rules ?? [];
  };
  const roles: BoundRole[] = [];
  for (const o of objects) {
    const binding = o as unknown as Binding & KubeObject;
    if (o.kind === 'ClusterRoleBinding' && boundToController(binding)) {
      roles.push({
        kind: 'ClusterRole',
        name: binding.roleRef.name,
        rules: rulesOf('ClusterRole', binding.roleRef.name),
      });
    }
    if (o.kind === 'RoleBinding' && boundToController(binding, o.metadata.namespace)) {
      const ns = o.metadata.namespace ?? 'default';
      const kind = binding.roleRef.kind === 'ClusterRole' ? 'ClusterRole' : 'Role';
      roles.push({
        kind: 'Role', // a RoleBinding grants even a ClusterRole's rules in its namespace only
        name: binding.roleRef.name,
        namespace: ns,
        rules: rulesOf(kind, binding.roleRef.name, ns),
      });
    }
  }
  if (
    !objects.some(
      (o) => o.kind === 'ServiceAccount' && o.metadata.name === saName && o.metadata.namespace === namespace,
    )
  )
    throw new Error(`ServiceAccount ${namespace}/${saName} of the controller is not rendered`);
  return { serviceAccount: `${namespace}/${saName}`, roles };
}
