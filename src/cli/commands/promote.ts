/** `aviary promote NAME`: skip the rest of the analysis and promote the canary now (an intent; the spec is not edited). */
import type { Command } from 'commander';
import { registerIntentVerb } from '../release/intent-verb.js';

export function register(program: Command): void {
  registerIntentVerb(program, 'promote', 'skip the rest of the analysis and promote the canary now');
}
