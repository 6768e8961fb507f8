/**
 * Aviary: the local runtime's fields (`provider: local`). The stable and canary versions are processes
 * started from commands; Aviary's own router listens on `listenPort` and splits traffic between them.
 */
import { Type } from 'typebox';
import { DURATION_PATTERN } from './common.js';

export const LocalVersion = Type.Object({
  /** Command line that starts this version, run without a shell (`node server.js --port 9001`). */
  command: Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    description: 'Command line that starts this version, run without a shell.',
  }),
  /** Port the process listens on (127.0.0.1). */
  port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Port the process listens on (127.0.0.1).' }),
  env: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'Extra environment variables.' }),
  ),
  cwd: Type.Optional(Type.String({ description: 'Working directory of the process.' })),
});

export const LocalRuntime = Type.Object(
  {
    /** Port of Aviary's weighted router, the address clients call. */
    listenPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      description: "Port of Aviary's weighted router, the address clients call.",
    }),
    /** Where the router serves its Prometheus metrics. Default: /metrics on `listenPort + 1`. */
    metricsPort: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65535,
        description: 'Port of the Prometheus metrics of the router. Default: listenPort + 1.',
      }),
    ),
    stable: Type.Object(LocalVersion.properties, { description: 'The stable (primary) version.' }),
    canary: Type.Object(LocalVersion.properties, { description: 'The new (canary) version.' }),
    /** HTTP path probed for readiness (200-399 = ready). Default /healthz. */
    readinessPath: Type.Optional(
      Type.String({ description: 'HTTP path probed for readiness (200-399 is ready). Default: /healthz.' }),
    ),
    /** How long a version may take to become ready. Default 30s. */
    readinessTimeout: Type.Optional(
      Type.String({
        pattern: DURATION_PATTERN,
        description: 'How long a version may take to become ready. Default: 30s.',
      }),
    ),
    /** Where the status is kept between ticks (survives a crash). Default <state dir>/<name>.status.json. */
    stateFile: Type.Optional(
      Type.String({
        description:
          'File holding the canary status between runs (a killed run resumes from it). Default: .aviary/<name>.status.json.',
      }),
    ),
  },
  {
    description:
      "Aviary: the local runtime (provider: local): two processes behind Aviary's weighted router.",
  },
);
