/**
 * The environment a command sees: nothing from the loadtester's own environment except what load tools
 * need to reach a service (PATH, locale, proxies, the in-cluster API address). Credentials the loadtester
 * process may hold (cloud keys, tokens in env vars) are not passed on.
 */

const PASSED_THROUGH = [
  'LANG',
  'LC_ALL',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  // kubectl/helm in-cluster configuration finds the API server through these two.
  'KUBERNETES_SERVICE_HOST',
  'KUBERNETES_SERVICE_PORT',
];

export function commandEnv(
  workDir: string,
  searchPath: string,
  source: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH = searchPath;
  env.HOME = workDir;
  env.PWD = workDir;
  env.TMPDIR = workDir;
  env.TMP = workDir;
  env.TEMP = workDir;
  env.LANG ??= 'C.UTF-8';
  return env;
}
