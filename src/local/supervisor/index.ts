export {
  Supervisor,
  installExitHandlers,
  signalExitCode,
  PROCESS_TOKEN_ENV,
  type ProcessJournal,
  type SupervisorOptions,
} from './supervisor.js';
export {
  ManagedProcess,
  substitutePort,
  type ManagedProcessOptions,
  type ProcessDefinition,
  type OutputListener,
} from './managed-process.js';
export { probeHttp, portInUse, type ProbeResult } from './probe.js';
export {
  groupAlive,
  processGroupOf,
  processStartTime,
  processesWithEnv,
  terminateGroup,
} from './process-group.js';
