import type { FieldError, ResourceType } from './types.js';

/**
 * An error that the server renders as a metav1.Status body. Clients (client-node's ApiException,
 * kubectl's error printer) key on `reason` and `code`, so both must match the real API server.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `deployments.apps`, `configmaps` — the qualified resource name the real server puts in messages. */
export function qualifiedResource(rt: Pick<ResourceType, 'group' | 'plural'>): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

function kindDetails(rt: Pick<ResourceType, 'group' | 'plural'>, name: string) {
  return { name, group: rt.group, kind: rt.plural };
}

export const errors = {
  notFound(rt: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiError {
    return new ApiError(
      404,
      'NotFound',
      `${qualifiedResource(rt)} "${name}" not found`,
      kindDetails(rt, name),
    );
  },
  alreadyExists(rt: Pick<ResourceType, 'group' | 'plural'>, name: string): ApiError {
    return new ApiError(
      409,
      'AlreadyExists',
      `${qualifiedResource(rt)} "${name}" already exists`,
      kindDetails(rt, name),
    );
  },
  conflict(rt: Pick<ResourceType, 'group' | 'plural'>, name: string, why?: string): ApiError {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": ${
        why ?? 'the object has been modified; please apply your changes to the latest version and try again'
      }`,
      kindDetails(rt, name),
    );
  },
  invalid(rt: Pick<ResourceType, 'group' | 'kind'>, name: string, causes: FieldError[]): ApiError {
    const qualifiedKind = rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
      name,
      group: rt.group,
      kind: rt.kind,
      causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
    });
  },
  badRequest(message: string): ApiError {
    return new ApiError(400, 'BadRequest', message);
  },
  methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
    return new ApiError(405, 'MethodNotAllowed', message);
  },
  unsupportedMediaType(contentType: string): ApiError {
    return new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
    );
  },
  expired(message: string): ApiError {
    return new ApiError(410, 'Expired', message);
  },
  notFoundPath(path: string): ApiError {
    return new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
  },
};
