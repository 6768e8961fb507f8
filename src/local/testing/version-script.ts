/**
 * `node -e` programs that play a service version in tests: an HTTP server on $PORT answering its
 * VERSION (env) on every path, /healthz included.
 */
export const VERSION_SERVER = `
const http = require('node:http');
const version = process.env.VERSION || 'v?';
const failRate = Number(process.env.FAIL_PERCENT || '0');
let n = 0;
http.createServer((req, res) => {
  n++;
  if (req.url !== '/healthz' && failRate > 0 && (n % 100) < failRate) { res.writeHead(500); res.end(version + ' failed'); return; }
  res.end(version);
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

export function versionCommand(): string[] {
  return [process.execPath, '-e', VERSION_SERVER];
}
