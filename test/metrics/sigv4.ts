/**
 * Recomputes an AWS Signature Version 4 from the request a server received, independently of the SDK
 * (the algorithm of https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), so a
 * test can check that the client really signed what it sent with the expected key, region and service.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Recorded } from './recording-server.js';

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface SigV4 {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  expected: string;
}

export function checkSigV4(request: Recorded, secretAccessKey: string): SigV4 {
  const auth = String(request.headers['authorization'] ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match) throw new Error(`not a SigV4 Authorization header: ${auth}`);
  const [, accessKeyId = '', day = '', region = '', service = '', headerList = '', signature = ''] = match;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signedHeaders = headerList.split(';');
  const canonicalHeaders = signedHeaders
    .map(
      (h) =>
        `${h}:${String(request.headers[h] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const query = [...request.query.entries()]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a = ''], [b = '']) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    request.method,
    request.path,
    query,
    canonicalHeaders,
    headerList,
    sha256(request.body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
  return {
    accessKeyId,
    region,
    service,
    signedHeaders,
    signature,
    expected: hmac(key, toSign).toString('hex'),
  };
}
