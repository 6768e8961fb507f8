/**
 * Splunk Observability (SignalFx): runs the SignalFlow program over ten metric intervals with
 * `immediate=true`. Flagger opens the WebSocket interface, whose data messages are binary; the same
 * computation over HTTP (`POST /v2/signalflow/execute`) answers Server-Sent Events in JSON, which is what
 * this reader reads. The value is the newest non-null point; points from more than one time series are
 * more than one number.
 */
import { AviaryError } from '../../errors.js';
import { baseAddress, secretKey } from './secret-keys.js';
import { rejected, send } from './http.js';
import { lookbackMs, type MetricProvider } from './types.js';
import { noData, readingOf, sumOf, tooMany } from './value.js';

interface DataMessage {
  logicalTimestampMs?: number;
  data?: { tsId?: string; value?: number | null }[];
}

/** Flagger's address rule: an `api.<realm>` or `wss://stream.<realm>` address both mean the stream host. */
export function streamAddress(address: string): string {
  return address.replace(/^wss:/, 'https:').replace(/^ws:/, 'http:').replace('://api.', '://stream.');
}

export const splunk: MetricProvider = {
  create(context) {
    const address = streamAddress(baseAddress(context));
    const headers = {
      'X-SF-Token': secretKey(context, 'splunk', 'sf_token_key'),
      'content-type': 'text/plain',
    };
    return Promise.resolve({
      // Flagger's check: the REST API host (api.<realm>) lists one metric with the token.
      async online() {
        const answer = await send({
          provider: 'Splunk Observability',
          url: `${address.replace('://stream.', '://api.')}/v2/metric?limit=1`,
          headers: { 'X-SF-Token': headers['X-SF-Token'] },
          timeoutMs: context.timeoutMs,
          retries: context.retries,
        });
        if (answer.status !== 200) throw rejected('Splunk Observability', answer, 'sf_token_key');
      },
      async read(program, window) {
        const stop = context.now();
        const params = new URLSearchParams({
          start: String(stop - lookbackMs(window)),
          stop: String(stop),
          immediate: 'true',
        });
        const answer = await send({
          provider: 'Splunk SignalFlow',
          url: `${address}/v2/signalflow/execute?${params.toString()}`,
          method: 'POST',
          headers,
          body: program,
          timeoutMs: context.timeoutMs,
          retries: context.retries,
        });
        if (answer.status !== 200) throw rejected('Splunk SignalFlow', answer, 'sf_token_key');
        const events = serverSentEvents(answer.body);
        const abort = events.find((e) => e.event === 'control-message' && /CHANNEL_ABORT/.test(e.data));
        const failure = events.find((e) => e.event === 'error') ?? abort;
        if (failure)
          throw new AviaryError('INVALID_SPEC', `Splunk SignalFlow stopped the program: ${failure.data}`);
        const points = events
          .filter((e) => e.event === 'data')
          .flatMap((e) => (JSON.parse(e.data) as DataMessage).data ?? [])
          .filter((p) => p.value !== null && p.value !== undefined);
        if (points.length === 0)
          return noData(
            'Splunk SignalFlow published no data points in the window; check the metric name and filters',
          );
        const series = new Set(points.map((p) => p.tsId));
        if (series.size > 1)
          return tooMany(series.size, 'time series', 'aggregate with .sum() or .mean() before publish()');
        if (window.mode === 'count')
          return sumOf(
            points.map((p) => p.value),
            'SignalFlow time series',
          );
        return readingOf(points[points.length - 1]?.value, 'SignalFlow value');
      },
    });
  },
};

function serverSentEvents(stream: string): { event: string; data: string }[] {
  return stream
    .split(/\r?\n\r?\n/)
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const field = (name: string) =>
        lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trim());
      return { event: field('event')[0] ?? 'message', data: field('data').join('\n') };
    })
    .filter((e) => e.data !== '');
}
