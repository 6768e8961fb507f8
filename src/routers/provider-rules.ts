/**
 * `aviary validate`'s check of spec.provider against the router registry: a provider without a router,
 * or a field its router cannot express, is an error naming the field and what to do instead. Accepting
 * either would start a Canary that throws in the controller or, worse, runs without the asked routing.
 */
import type { FieldProblem } from '../api/problems.js';
import type { CanarySpec, Provider } from '../api/types.js';
import { AviaryError } from '../errors.js';
import { isKnativeService } from '../api/workload-rules.js';
import type { ProviderCapabilities } from './entry.js';
import { ROUTERS, routedProviders } from './index.js';

/** Providers whose platform is gone: refused with the reason and the way off. */
const RETIRED: Partial<Record<Provider, { message: string; fix: string }>> = {
  appmesh: {
    message:
      'AWS ended App Mesh on 2026-09-30 (no support, no new meshes, Envoy images unpatched); Aviary has no App Mesh router',
    fix: 'move the service to Gateway API (provider: gatewayapi:v1 with the AWS Gateway API Controller for VPC Lattice, or any Gateway implementation) or, on ECS, to ECS Service Connect',
  },
};
RETIRED['appmesh:v1beta2'] = RETIRED.appmesh;

type Feature = Exclude<keyof ProviderCapabilities, 'weights'>;

/** What each capability is asked by, as the field path that asks for it. */
const FEATURES: { feature: Feature; path: string; what: string; asked(spec: CanarySpec): boolean }[] = [
  {
    feature: 'match',
    path: 'spec.analysis.match',
    what: 'route by request headers, cookies or query parameters (A/B testing)',
    asked: (s) => (s.analysis.match?.length ?? 0) > 0,
  },
  {
    feature: 'mirror',
    path: 'spec.analysis.mirror',
    what: 'mirror traffic to the canary',
    asked: (s) => s.analysis.mirror === true,
  },
  {
    feature: 'sessionAffinity',
    path: 'spec.analysis.sessionAffinity',
    what: 'keep clients on the canary with a cookie (session affinity)',
    asked: (s) => s.analysis.sessionAffinity !== undefined,
  },
  {
    feature: 'primaryCookie',
    path: 'spec.analysis.sessionAffinity.primaryCookieName',
    what: 'keep clients on the primary with a cookie',
    asked: (s) => s.analysis.sessionAffinity?.primaryCookieName !== undefined,
  },
  {
    feature: 'tcp',
    path: 'spec.service.appProtocol',
    what: 'route TCP (appProtocol: tcp)',
    asked: (s) => s.service?.appProtocol?.toLowerCase() === 'tcp',
  },
  {
    feature: 'cors',
    path: 'spec.service.corsPolicy',
    what: 'apply a CORS policy',
    asked: (s) => s.service?.corsPolicy !== undefined,
  },
];

function ableTo(feature: Feature): string {
  const able = routedProviders().filter((p) => ROUTERS[p]?.capabilities[feature]);
  return able.length
    ? `use a provider that can (${able.join(', ')})`
    : 'no provider of this Aviary version can';
}

/** Knative routes between a Knative Service's own revisions: the provider and the target go together. */
function knativeProblems(spec: CanarySpec): FieldProblem[] {
  const knativeTarget = isKnativeService(spec.targetRef);
  if (spec.provider === 'knative' && !knativeTarget)
    return [
      {
        path: 'spec.targetRef',
        message: `provider knative splits traffic between a Knative Service's revisions, and targetRef names a ${spec.targetRef.kind}`,
        fix: 'point targetRef at the Knative Service (apiVersion: serving.knative.dev/v1, kind: Service, name: ...)',
      },
    ];
  if (knativeTarget && spec.provider !== 'knative')
    return [
      {
        path: 'spec.provider',
        message: `a Knative Service target is routed by Knative, not ${spec.provider ?? 'the controller default'}`,
        fix: 'set provider: knative',
      },
    ];
  return [];
}

export function providerProblems(spec: CanarySpec): FieldProblem[] {
  const knative = knativeProblems(spec);
  if (knative.length) return knative;
  const provider = spec.provider;
  if (provider === undefined) return []; // the controller's --mesh-provider, unknown here
  const retired = RETIRED[provider];
  if (retired) return [{ path: 'spec.provider', ...retired }];
  const entry = ROUTERS[provider];
  if (!entry)
    return [
      {
        path: 'spec.provider',
        message: `"${provider}" has no router in this Aviary version, so the Canary could not run`,
        fix: `use one of ${routedProviders().join(', ')}`,
      },
    ];
  const out: FieldProblem[] = [];
  const copies = entry.runtime === 'kubernetes' ? entry.copies : undefined;
  if (copies && !(spec[copies.field] as { name?: string } | undefined)?.name)
    out.push({
      path: `spec.${copies.field}`,
      message: `provider ${provider} routes through a copy of your ${copies.kind}, and none is named`,
      fix: `add ${copies.field}: {apiVersion: ${copies.apiVersion}, kind: ${copies.kind}, name: <the ${copies.kind} that routes to the apex service>}`,
    });
  for (const f of FEATURES) {
    if (entry.capabilities[f.feature] || !f.asked(spec)) continue;
    // primaryCookieName under a refused sessionAffinity would only repeat it
    if (out.some((p) => f.path.startsWith(`${p.path}.`))) continue;
    out.push({
      path: f.path,
      message: `provider ${provider} cannot ${f.what}, so it would be ignored`,
      fix: `remove it, or ${ableTo(f.feature)}`,
    });
  }
  return out;
}

/** The controller's refusal of a provider without a router (validate says the same before it runs). */
export function noRouter(provider: Provider): AviaryError {
  const [problem] = providerProblems({ provider } as CanarySpec);
  return new AviaryError(
    'INVALID_SPEC',
    `spec.provider: ${problem?.message ?? `"${provider}" has no Kubernetes router`} — ${problem?.fix ?? `use one of ${routedProviders().join(', ')}`}`,
  );
}
