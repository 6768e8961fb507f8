/**
 * The verbs that leave an intent (promote, abort, pause, resume, retry): each is this command with its
 * own name and description. The spec is never edited (src/intents); the engine acts at its next tick.
 */
import type { Command } from 'commander';
import type { IntentKind } from '../../api/intent.js';
import { addTargetFlags, type TargetFlags } from './target.js';

export function registerIntentVerb(program: Command, kind: IntentKind, description: string): void {
  addTargetFlags(program.command(kind).description(description).argument('<name>', 'the Canary')).action(
    async (name: string, flags: TargetFlags) => {
      const [{ openTarget }, { kubeIntents }, { localIntents }] = await Promise.all([
        import('./target.js'),
        import('../../intents/kube.js'),
        import('../../intents/local.js'),
      ]);
      const target = await openTarget(flags);
      const sink =
        target.kind === 'kube'
          ? kubeIntents({ clients: target.clients, timeoutMs: target.timeoutMs })
          : localIntents(target.stateDir);
      const namespace = target.kind === 'kube' ? target.namespace : undefined;
      const intent = await sink.requestIntent(kind, namespace, name);
      const where = namespace ? `${namespace}/${name}` : name;
      process.stdout.write(
        `${kind} requested for ${where} by ${intent.user} (intent ${intent.id}); it acts at the release's next tick — aviary status ${name} shows the outcome\n`,
      );
    },
  );
}
