/**
 * The part of Kubernetes' RBAC authorizer the controller's role needs: does a set of PolicyRules allow a
 * resource request (verb, API group, resource[/subresource], namespace, name)? And which granted
 * (group, resource, verb) triples did no request use?
 */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A role as bound to the controller: a ClusterRole applies everywhere, a Role in its namespace only. */
export interface BoundRole {
  kind: 'ClusterRole' | 'Role';
  name: string;
  /** Set for a Role. */
  namespace?: string;
  rules: PolicyRule[];
}

/** A resource request as the authorizer sees it. */
export interface Access {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** A logged request: an audit record (test/cluster/audit.ts) or anything shaped like one. */
export interface RequestLike {
  verb?: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export function accessOf(record: RequestLike): Access | undefined {
  if (record.verb === undefined || record.resource === undefined) return undefined;
  return {
    verb: record.verb,
    apiGroup: record.apiGroup ?? '',
    resource: record.resource,
    ...(record.subresource ? { subresource: record.subresource } : {}),
    ...(record.namespace ? { namespace: record.namespace } : {}),
    ...(record.name ? { name: record.name } : {}),
  };
}

const has = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);

export function ruleAllows(rule: PolicyRule, access: Access): boolean {
  const resource = access.subresource ? `${access.resource}/${access.subresource}` : access.resource;
  const resourceMatches = (rule.resources ?? []).some(
    (r) =>
      r === '*' || r === resource || (access.subresource !== undefined && r === `*/${access.subresource}`),
  );
  // resourceNames never match list/watch/create of a collection (the request names no object).
  const nameMatches =
    !rule.resourceNames?.length || (access.name !== undefined && rule.resourceNames.includes(access.name));
  return (
    has(rule.apiGroups, access.apiGroup) && resourceMatches && has(rule.verbs, access.verb) && nameMatches
  );
}

export function allowedBy(roles: BoundRole[], access: Access): BoundRole | undefined {
  return roles.find(
    (role) =>
      (role.kind === 'ClusterRole' ||
        (access.namespace !== undefined && access.namespace === role.namespace)) &&
      role.rules.some((rule) => ruleAllows(rule, access)),
  );
}

export interface Grant {
  role: string;
  apiGroup: string;
  resource: string;
  verb: string;
}

/** Every (group, resource, verb) the roles grant that no access in `used` exercised. */
export function unusedGrants(roles: BoundRole[], used: Access[]): Grant[] {
  const unused: Grant[] = [];
  for (const role of roles) {
    for (const rule of role.rules) {
      for (const apiGroup of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) {
            const single: PolicyRule = { apiGroups: [apiGroup], resources: [resource], verbs: [verb] };
            const exercised = used.some(
              (a) => ruleAllows(single, a) && (role.kind === 'ClusterRole' || a.namespace === role.namespace),
            );
            if (!exercised) unused.push({ role: `${role.kind}/${role.name}`, apiGroup, resource, verb });
          }
        }
      }
    }
  }
  return unused;
}

export const describeAccess = (a: Access) =>
  `${a.verb} ${a.apiGroup || 'core'}/${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.namespace ? ` in ${a.namespace}` : ' (all namespaces)'}`;

export const describeGrant = (g: Grant) => `${g.role}: ${g.verb} ${g.apiGroup || 'core'}/${g.resource}`;
