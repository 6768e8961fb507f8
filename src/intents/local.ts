/**
 * Intents for `aviary run --state-dir`: the intent is written (atomically) to `<name>.intent.json`,
 * which the run reads before each tick, and the request is logged to the release's event log.
 */
import { access, rename, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { AviaryError } from '../errors.js';
import { newIntent, requestMessage, serializeIntent, type IntentSink } from '../api/intent.js';
import { appendEvent, localPaths } from './local-files.js';
import { requestReason } from './reason.js';

/** The local login, as the event names it. */
export function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown local user';
  }
}

export function localIntents(stateDir: string): IntentSink {
  return {
    async requestIntent(kind, _namespace, name, user) {
      const paths = localPaths(stateDir, name);
      try {
        await access(paths.status);
      } catch {
        throw new AviaryError(
          'NOT_FOUND',
          `no local canary "${name}" in ${stateDir} (no ${paths.status}) — pass the --state-dir of its aviary run`,
        );
      }
      const intent = newIntent(kind, user ?? localUser());
      const temp = `${paths.intent}.${process.pid}.tmp`;
      await writeFile(temp, `${serializeIntent(intent)}\n`);
      await rename(temp, paths.intent);
      await appendEvent(stateDir, name, {
        type: 'Normal',
        reason: requestReason(kind),
        message: requestMessage(intent),
        time: intent.requestedAt,
      });
      return intent;
    },
  };
}
