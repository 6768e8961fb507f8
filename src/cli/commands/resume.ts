/** `aviary resume NAME`: continue a paused release (an intent; the spec is not edited). */
import type { Command } from 'commander';
import { registerIntentVerb } from '../release/intent-verb.js';

export function register(program: Command): void {
  registerIntentVerb(program, 'resume', 'continue a paused release');
}
