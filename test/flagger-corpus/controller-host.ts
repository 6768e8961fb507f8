/**
 * Several `aviary controller`s in one OS process: `node --import tsx controller-host.ts <ns>=<provider>,...
 * <controller flags>` runs `aviary controller <controller flags> --namespace <ns> --mesh-provider
 * <provider>` through the CLI's own entry point (src/cli/main.ts) once per pair, each watching only its
 * namespace, as many processes would. One process because a controller watches one namespace or all, the
 * corpus needs a namespace per Canary (nearly all are named `podinfo`), and every process costs ~3 s of
 * CPU and ~300 MB to start on a machine shared with other tests. SIGTERM stops them all (each
 * controller's own handler).
 */
import { main } from '../../src/cli/main.js';

const [pairs = '', ...flags] = process.argv.slice(2);
const instances = pairs.split(',').map((pair) => {
  const [namespace = '', provider = ''] = pair.split('=');
  // an empty --namespace would watch every namespace of the shared cluster
  if (!namespace || !provider) throw new Error(`controller-host: "${pair}" is not <namespace>=<provider>`);
  return { namespace, provider };
});
// one SIGTERM listener per controller
process.setMaxListeners(instances.length + 10);

const codes = await Promise.all(
  instances.map(async ({ namespace, provider }) => {
    const code = await main([
      'node',
      'aviary',
      'controller',
      ...flags,
      '--namespace',
      namespace,
      '--mesh-provider',
      provider,
    ]);
    if (code !== 0) console.log(JSON.stringify({ level: 50, msg: 'controller exited', namespace, code }));
    return code;
  }),
);
process.exitCode = codes.find((c) => c !== 0) ?? 0;
