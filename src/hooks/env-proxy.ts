/**
 * The proxy a webhook call goes through, from the environment as Flagger's Go client reads it:
 * HTTPS_PROXY for https URLs, HTTP_PROXY for http ones (either case), skipped for hosts in NO_PROXY
 * (comma-separated names, domain suffixes such as `.svc` or `cluster.local`, or `*`). Like Go, loopback
 * hosts are never proxied.
 */
export function proxyFromEnv(url: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const https = target.protocol === 'https:';
  const proxy = https ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  if (!proxy) return undefined;
  const host = target.hostname.toLowerCase();
  if (LOOPBACK.test(host)) return undefined;
  const exempt = (env.NO_PROXY ?? env.no_proxy ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter(Boolean)
    .some(
      (entry) =>
        entry === '*' ||
        host === entry.replace(/^\./, '') ||
        host.endsWith(entry.startsWith('.') ? entry : `.${entry}`),
    );
  return exempt ? undefined : proxy;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
