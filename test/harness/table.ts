import { isObject, type KubeObject, type PrinterColumn, type ResourceType } from './types.js';

/**
 * Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for with
 * `Accept: application/json;as=Table;…`. Custom resources get their additionalPrinterColumns;
 * a few built-ins get their familiar columns; everything else Name and Age.
 */

interface Column {
  name: string;
  type: string;
  format?: string;
  cell: (o: KubeObject) => unknown;
}

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

export function toTable(
  rt: ResourceType,
  version: string,
  objects: KubeObject[],
  resourceVersion: string,
  includeObject: string | null,
): Record<string, unknown> {
  const columns = [
    { name: 'Name', type: 'string', format: 'name', cell: (o: KubeObject) => o.metadata.name ?? '' },
    ...columnsFor(rt, version),
  ];
  if (!columns.some((c) => c.name === 'Age'))
    columns.push({ name: 'Age', type: 'date', cell: (o) => age(o.metadata.creationTimestamp) });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: '',
      priority: 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o)),
      object:
        includeObject === 'Object'
          ? o
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

function columnsFor(rt: ResourceType, version: string): Column[] {
  const printer = rt.versions.find((v) => v.name === version)?.printerColumns;
  if (printer) return printer.filter((c) => !c.priority).map(printerColumn);
  const get = (o: KubeObject, path: string) => jsonPath(o, path);
  switch (`${rt.group}/${rt.plural}`) {
    case 'apps/deployments':
      return [
        {
          name: 'Ready',
          type: 'string',
          cell: (o) =>
            `${Number(get(o, '.status.readyReplicas') ?? 0)}/${Number(get(o, '.spec.replicas') ?? 0)}`,
        },
        { name: 'Up-to-date', type: 'integer', cell: (o) => Number(get(o, '.status.updatedReplicas') ?? 0) },
        { name: 'Available', type: 'integer', cell: (o) => Number(get(o, '.status.availableReplicas') ?? 0) },
      ];
    case '/services':
      return [
        { name: 'Type', type: 'string', cell: (o) => String(get(o, '.spec.type') ?? '') },
        { name: 'Cluster-IP', type: 'string', cell: (o) => String(get(o, '.spec.clusterIP') ?? '<none>') },
        { name: 'External-IP', type: 'string', cell: () => '<none>' },
        {
          name: 'Port(s)',
          type: 'string',
          cell: (o) =>
            ((get(o, '.spec.ports') as { port: number; protocol?: string }[] | undefined) ?? [])
              .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
              .join(','),
        },
      ];
    case '/namespaces':
      return [{ name: 'Status', type: 'string', cell: (o) => String(get(o, '.status.phase') ?? '') }];
    default:
      return [];
  }
}

function printerColumn(c: PrinterColumn): Column {
  return {
    name: c.name,
    type: c.type,
    ...(c.format ? { format: c.format } : {}),
    cell: (o) => {
      const value = jsonPath(o, c.jsonPath);
      if (c.type === 'date') return typeof value === 'string' ? age(value) : '<unknown>';
      if (value === undefined || value === null) return '';
      return typeof value === 'object' ? JSON.stringify(value) : value;
    },
  };
}

/** The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[?(@.type=="Ready")].status`. */
export function jsonPath(obj: unknown, path: string): unknown {
  const tokens =
    path
      .replace(/^\{?\.?/, '')
      .replace(/\}$/, '')
      .match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown = obj;
  for (const token of tokens) {
    if (cur === undefined || cur === null) return undefined;
    const filter = /^\[\?\(@\.([\w.]+)\s*==\s*["']?([^"')]*)["']?\)\]$/.exec(token);
    const index = /^\[(\d+)\]$/.exec(token);
    if (filter && Array.isArray(cur))
      cur = cur.find((item) => isObject(item) && String(item[filter[1] ?? '']) === filter[2]);
    else if (index && Array.isArray(cur)) cur = cur[Number(index[1])];
    else if (isObject(cur)) cur = cur[token];
    else return undefined;
  }
  return cur;
}

/** kubectl's short relative durations: 42s, 5m12s, 3h, 2d. */
function age(timestamp: string | undefined): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}
