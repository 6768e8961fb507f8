export {
  startLoadTester,
  DEFAULT_COMMAND_TIMEOUT_MS,
  type LoadTester,
  type LoadTesterOptions,
} from './server.js';
export {
  loadTesterCommandOptions,
  toLoadTesterOptions,
  DEFAULT_WORK_DIR,
  type LoadTesterFlag,
  type LoadTesterFlagValues,
} from './options.js';
export { DEFAULT_ALLOWED_COMMANDS } from './command-policy.js';
export { splitCommand, CommandSyntaxError } from './argv.js';
export type { WebhookPayload } from './payload.js';
