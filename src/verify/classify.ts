/**
 * Tells which version answered a response: a response header, a field of a JSON body, or the first
 * capture group (else the whole match) of a regular expression over the body.
 */
export type VersionRule =
  { kind: 'header'; name: string } | { kind: 'json'; path: string } | { kind: 'regex'; pattern: RegExp };

export interface Answer {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
}

/** The version named by the response, or undefined when the rule finds none. */
export function versionOf(rule: VersionRule, answer: Answer): string | undefined {
  switch (rule.kind) {
    case 'header': {
      const value = answer.headers[rule.name.toLowerCase()];
      return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
    }
    case 'json':
      return jsonField(answer.body, rule.path);
    case 'regex': {
      const match = rule.pattern.exec(answer.body);
      return match ? (match[1] ?? match[0]) : undefined;
    }
  }
}

/** `version` or `build.version`: a dotted path to a string or number. */
function jsonField(body: string, path: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
