/** `aviary abort NAME`: roll the canary back now (an intent; the spec is not edited). */
import type { Command } from 'commander';
import { registerIntentVerb } from '../release/intent-verb.js';

export function register(program: Command): void {
  registerIntentVerb(program, 'abort', 'roll the canary back now');
}
