export { Supervisor, installExitHandlers, type SupervisorOptions } from './supervisor.js';
export {
  ManagedProcess,
  substitutePort,
  type ProcessDefinition,
  type OutputListener,
} from './managed-process.js';
export { probeHttp, portInUse, type ProbeResult } from './probe.js';
