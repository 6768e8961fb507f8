/**
 * A string match sets one way to compare (Flagger's CRD says so with a oneOf on its A/B headers): with
 * two, each router would pick a different one, so the request routed would depend on the provider.
 */
import type { FieldProblem } from './problems.js';
import type { CanarySpec, HeaderMatch, HTTPMatchRequest } from './types.js';

const WAYS = ['exact', 'prefix', 'suffix', 'regex'] as const;
const SINGLE = ['uri', 'scheme', 'method', 'authority'] as const;
const MAPS = ['headers', 'queryParams', 'withoutHeaders'] as const;

export function matchRules(spec: CanarySpec): FieldProblem[] {
  return [
    ...conditions(spec.service.match, 'spec.service.match'),
    ...conditions(spec.analysis.match, 'spec.analysis.match'),
  ];
}

function conditions(list: HTTPMatchRequest[] | undefined, at: string): FieldProblem[] {
  return (list ?? []).flatMap((condition, i) => {
    const matches: [string, HeaderMatch][] = [];
    for (const field of SINGLE) {
      const match = condition[field];
      if (match) matches.push([`${at}[${i}].${field}`, match]);
    }
    for (const field of MAPS)
      for (const [name, match] of Object.entries(condition[field] ?? {}))
        matches.push([`${at}[${i}].${field}.${name}`, match]);
    return matches.flatMap(([path, match]) => oneWay(path, match));
  });
}

function oneWay(path: string, match: HeaderMatch): FieldProblem[] {
  const set = WAYS.filter((way) => match[way] !== undefined);
  if (set.length <= 1) return [];
  return [
    {
      path,
      message: `sets ${set.join(' and ')}; a match compares one way`,
      fix: `keep one of ${set.join(', ')} (a regex can say what several would)`,
    },
  ];
}
