/**
 * Sends `count` GET requests to a URL (optionally with another Host header) and tells which version
 * answered each. node:http rather than fetch: fetch may not set Host, and an ingress routes by it.
 */
import http from 'node:http';
import https from 'node:https';
import { versionOf, type VersionRule } from './classify.js';

export interface SendOptions {
  url: URL;
  count: number;
  rule: VersionRule;
  /** Sent as the Host header (a virtual host of an ingress or gateway). */
  host?: string;
  headers?: Record<string, string>;
  /** Requests in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** Body bytes read per response; the rest is discarded (a regex or JSON field must be in them). */
  maxBodyBytes?: number;
  /** New connection per request, so a load balancer that balances connections is measured too. */
  keepAlive?: boolean;
}

export interface SendResult {
  /** Responses by the version they named. */
  counts: Record<string, number>;
  /** Requests that failed or named no version, with the first few reasons. */
  unclassified: number;
  reasons: string[];
}

const MAX_REASONS = 5;

export async function sendRequests(options: SendOptions): Promise<SendResult> {
  const counts: Record<string, number> = {};
  const reasons: string[] = [];
  let unclassified = 0;
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      next++;
      const outcome = await once(options);
      if (outcome.version !== undefined) counts[outcome.version] = (counts[outcome.version] ?? 0) + 1;
      else {
        unclassified++;
        if (reasons.length < MAX_REASONS && !reasons.includes(outcome.reason)) reasons.push(outcome.reason);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker));
  return { counts, unclassified, reasons };
}

function once(
  options: SendOptions,
): Promise<{ version: string; reason?: never } | { version?: never; reason: string }> {
  const limit = options.maxBodyBytes ?? 64 * 1024;
  const client = options.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      options.url,
      {
        method: 'GET',
        headers: { ...options.headers, ...(options.host ? { host: options.host } : {}) },
        agent: options.keepAlive ? undefined : false,
        timeout: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < limit) chunks.push(chunk.subarray(0, limit - size));
          size += chunk.length;
        });
        res.on('error', (err) => resolve({ reason: err.message }));
        res.on('end', () => {
          const version = versionOf(options.rule, {
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
          resolve(
            version === undefined
              ? { reason: `HTTP ${res.statusCode} named no version (${describeRule(options.rule)})` }
              : { version },
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (err) => resolve({ reason: err.message }));
    req.end();
  });
}

export function describeRule(rule: VersionRule): string {
  if (rule.kind === 'header') return `no ${rule.name} header`;
  if (rule.kind === 'json') return `no JSON field ${rule.path}`;
  return `no match for /${rule.pattern.source}/`;
}
