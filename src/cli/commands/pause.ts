/** `aviary pause NAME`: hold the release at its current weight until resume (an intent; the spec is not edited). */
import type { Command } from 'commander';
import { registerIntentVerb } from '../release/intent-verb.js';

export function register(program: Command): void {
  registerIntentVerb(program, 'pause', 'hold the release at its current weight until resume');
}
