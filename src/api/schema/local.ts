/**
 * Aviary: the local runtime's fields (`provider: local`). The stable and canary versions are processes
 * started from commands; Aviary's own router listens on `listenPort` and splits traffic between them.
 */
import { Type } from 'typebox';
import { Duration, StringMap } from './common.js';

export const LocalVersion = Type.Object({
  /** Command line that starts this version, run without a shell (`node server.js --port 9001`). */
  command: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  /** Port the process listens on (127.0.0.1). */
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  env: Type.Optional(StringMap),
  cwd: Type.Optional(Type.String()),
});

export const LocalRuntime = Type.Object({
  /** Port of Aviary's weighted router, the address clients call. */
  listenPort: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** Where the router serves its Prometheus metrics. Default: /metrics on `listenPort + 1`. */
  metricsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  stable: LocalVersion,
  canary: LocalVersion,
  /** HTTP path probed for readiness (200-399 = ready). Default /healthz. */
  readinessPath: Type.Optional(Type.String()),
  /** How long a version may take to become ready. Default 30s. */
  readinessTimeout: Type.Optional(Duration),
  /** Where the run's state is kept between ticks (survives a crash). Default .aviary/<name>.state.json. */
  stateFile: Type.Optional(Type.String()),
});
