/**
 * Graphite: the render URL API. The query is the URL's query string (`target=...&from=-5min`), sent to
 * `<address>/render` with `format=json`; basic auth from the secret's username and password. The value
 * is the newest non-null point, as in Flagger; a target with only nulls is no data.
 */
import { AviaryError } from '../../errors.js';
import { baseAddress, secretKey } from './secret-keys.js';
import { json, rejected, send } from './http.js';
import type { MetricProvider } from './types.js';
import { noData, readingOf, sumOf, tooMany } from './value.js';

type Answer = { target?: string; datapoints?: [number | string | null, number][] }[];

export const graphite: MetricProvider = {
  // Graphite reads "1m" as an error (its minutes are "min"): `from=-{{ interval }}` must say 1min.
  formatInterval: (ms) =>
    ms % 60_000 === 0 ? `${ms / 60_000}min` : `${Math.max(1, Math.round(ms / 1000))}s`,
  create(context) {
    const address = baseAddress(context);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (context.provider.secretRef) {
      const user = secretKey(context, 'graphite', 'username');
      const password = secretKey(context, 'graphite', 'password');
      headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    const render = async (params: URLSearchParams) => {
      params.set('format', 'json');
      const answer = await send({
        provider: 'Graphite',
        url: `${address}/render?${params.toString()}`,
        headers,
        timeoutMs: context.timeoutMs,
        retries: context.retries,
        insecureSkipVerify: context.provider.insecureSkipVerify,
      });
      if (answer.status >= 400) throw rejected('Graphite', answer, 'username and password');
      return json<Answer>('Graphite', answer);
    };
    return Promise.resolve({
      // Flagger's check: rendering a target that need not exist answers (an empty list is fine).
      async online() {
        await render(new URLSearchParams({ target: 'test' }));
      },
      async read(query, { mode }) {
        const params = new URLSearchParams(query.replace(/\s+/g, ''));
        if (!params.has('target')) {
          throw new AviaryError(
            'INVALID_SPEC',
            `graphite query "${query}" has no target=...; write it as target=<series>&from=-1min`,
          );
        }
        const targets = await render(params);
        if (targets.length === 0)
          return noData(`Graphite found no series matching ${params.getAll('target').join(', ')}`);
        if (targets.length > 1) {
          const names = targets.slice(0, 3).map((t) => t.target ?? '?');
          return tooMany(
            targets.length,
            `targets (${names.join(', ')})`,
            'wrap the target in sumSeries() or another aggregation',
          );
        }
        const points = targets[0]?.datapoints ?? [];
        // The query's from= (and until=) set the window here; count mode adds up its points.
        if (mode === 'count') {
          return sumOf(
            points.map((p) => (p[0] === null ? null : Number(p[0]))),
            `Graphite series ${targets[0]?.target ?? ''}`,
          );
        }
        const newest = points.findLast((p) => p[0] !== null);
        if (!newest) {
          return noData(
            `Graphite series ${targets[0]?.target ?? ''} has ${points.length} points in the window, all null (nothing was written)`,
          );
        }
        return readingOf(newest[0], `Graphite point of ${targets[0]?.target ?? ''}`);
      },
    });
  },
};
