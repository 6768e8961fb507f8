/** `aviary retry NAME`: analyse a Failed revision again (an intent; the spec is not edited). */
import type { Command } from 'commander';
import { registerIntentVerb } from '../release/intent-verb.js';

export function register(program: Command): void {
  registerIntentVerb(program, 'retry', 'analyse a Failed revision again');
}
