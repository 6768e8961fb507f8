/**
 * InfluxDB 2.x: the Flux query API, `POST /api/v2/query?org=<org>` with `Authorization: Token <token>`,
 * answered in annotated CSV. The value is `_value` of the first row; more than one table is more than one
 * number. Flagger's reader returns 0 when Flux returns no rows; here that is no data.
 */
import { AviaryError } from '../../errors.js';
import { baseAddress, secretKey } from './secret-keys.js';
import { firstLine, rejected, send } from './http.js';
import type { MetricProvider } from './types.js';
import { noData, readingOf, tooMany } from './value.js';

const DIALECT = {
  header: true,
  annotations: ['datatype', 'group', 'default'],
  delimiter: ',',
  commentPrefix: '#',
};

export const influxdb: MetricProvider = {
  create(context) {
    const address = baseAddress(context);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/csv' };
    let org: string | undefined;
    if (context.provider.secretRef) {
      headers['authorization'] = `Token ${secretKey(context, 'influxdb', 'token')}`;
      org = secretKey(context, 'influxdb', 'org');
    }
    const flux = async (query: string) => {
      const answer = await send({
        provider: 'InfluxDB',
        url: `${address}/api/v2/query${org ? `?${new URLSearchParams({ org }).toString()}` : ''}`,
        method: 'POST',
        headers,
        body: JSON.stringify({ query, type: 'flux', dialect: DIALECT }),
        timeoutMs: context.timeoutMs,
        retries: context.retries,
        insecureSkipVerify: context.provider.insecureSkipVerify,
      });
      if (answer.status === 404) {
        throw new AviaryError(
          'NOT_FOUND',
          `InfluxDB at ${address} has no Flux API (/api/v2/query answered 404: ${firstLine(answer.body)}); InfluxDB 2.x or 1.8+ with flux-enabled is needed`,
        );
      }
      if (answer.status !== 200) throw rejected('InfluxDB', answer, 'token and org');
      return answer.body;
    };
    return Promise.resolve({
      // Flagger reads a bucket named "default", which need not exist; listing one bucket needs none.
      async online() {
        await flux('buckets() |> limit(n: 1)');
      },
      async read(query) {
        return valueOfCsv(await flux(query));
      },
    });
  },
};

/** `_value` of the only table's first row of an annotated-CSV answer. */
export function valueOfCsv(csv: string) {
  const rows = csv.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = rows[0] ? splitCsv(rows[0]) : [];
  const value = header.indexOf('_value');
  const table = header.indexOf('table');
  const data = rows
    .slice(1)
    .map(splitCsv)
    .filter((r) => r.join('') !== header.join(''));
  if (data.length === 0) return noData('InfluxDB returned no rows for the query in its range');
  if (value < 0)
    return {
      kind: 'error' as const,
      reason: `InfluxDB answer has no _value column (columns: ${header.filter(Boolean).join(', ')})`,
    };
  const tables = new Set(data.map((r) => r[table]));
  if (tables.size > 1)
    return tooMany(tables.size, 'tables', 'group() and aggregate (e.g. |> group() |> sum())');
  return readingOf(data[0]?.[value] === '' ? null : data[0]?.[value], 'InfluxDB _value');
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}
