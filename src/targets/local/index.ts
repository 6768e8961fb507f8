export { LocalWorkloadTarget, versionHash, type LocalTargetOptions } from './local-target.js';
