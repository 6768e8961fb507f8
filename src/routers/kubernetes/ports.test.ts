import { describe, expect, it } from 'vitest';
import { servicePorts } from './ports.js';

// The Services router against a real API server: test/routers/services.test.ts.
describe('servicePorts', () => {
  it('drops a discovered port that clashes with the main port', () => {
    const ports = servicePorts(
      { port: 9797, portDiscovery: true },
      {
        containers: [
          {
            name: 'app',
            ports: [
              { name: 'http', containerPort: 9898 },
              { name: 'metrics', containerPort: 9797 },
            ],
          },
        ],
      },
    );
    expect(ports.map((p) => [p.name, p.port])).toEqual([['http', 9797]]);
  });
});
