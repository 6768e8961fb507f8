/**
 * A real Graphite for a test: Debian's graphite-carbon (carbon-cache, the plaintext receiver) and
 * graphite-web (the render API, Django's server), on free ports with a temporary storage directory.
 * graphite-web reads carbon-cache's unflushed points over CARBONLINK, so a point written over the
 * plaintext protocol is readable at once. Missing packages fail the test (scripts/test.sh installs them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/local/free-port.js';

export interface RunningGraphite {
  /** The render API, `http://127.0.0.1:<port>`. */
  url: string;
  /** Writes points over carbon's plaintext protocol (`<path> <value> <unix seconds>`). */
  write(points: readonly [path: string, value: number, unixSeconds: number][]): Promise<void>;
  /** Polls the render API until `target` has a non-null point at `unixSeconds`. */
  waitForPoint(target: string, unixSeconds: number): Promise<void>;
  stop(): Promise<void>;
}

function requireBinary(name: string, pkg: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) {
    throw new Error(`${name} not found: apt-get install -y ${pkg} (scripts/test.sh installs it)`);
  }
}

async function until(what: string, check: () => Promise<boolean>, logs: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Graphite: ${what} within ${timeoutMs} ms\n${logs()}`);
}

export async function startGraphite(): Promise<RunningGraphite> {
  requireBinary('carbon-cache', 'graphite-carbon');
  requireBinary('graphite-manage', 'graphite-web');
  const dir = await mkdtemp(join(tmpdir(), 'aviary-graphite-'));
  const whisper = join(dir, 'whisper');
  await mkdir(whisper);
  const [line, pickle, cacheQuery, web] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  await writeFile(
    join(dir, 'carbon.conf'),
    [
      '[cache]',
      `STORAGE_DIR = ${dir}/`,
      `LOCAL_DATA_DIR = ${whisper}/`,
      `CONF_DIR = ${dir}/`,
      `LOG_DIR = ${dir}/`,
      `PID_DIR = ${dir}/`,
      'USER =',
      'ENABLE_TAGS = False',
      'MAX_CREATES_PER_MINUTE = inf',
      'LINE_RECEIVER_INTERFACE = 127.0.0.1',
      `LINE_RECEIVER_PORT = ${line}`,
      'PICKLE_RECEIVER_INTERFACE = 127.0.0.1',
      `PICKLE_RECEIVER_PORT = ${pickle}`,
      'CACHE_QUERY_INTERFACE = 127.0.0.1',
      `CACHE_QUERY_PORT = ${cacheQuery}`,
      '',
    ].join('\n'),
  );
  // 10 s buckets kept for an hour: points written at distinct 10 s steps stay distinct.
  await writeFile(join(dir, 'storage-schemas.conf'), '[default]\npattern = .*\nretentions = 10s:1h\n');
  await writeFile(
    join(dir, 'aviary_graphite_settings.py'),
    [
      "SECRET_KEY = 'aviary-test'",
      `STORAGE_DIR = '${dir}'`,
      `WHISPER_DIR = '${whisper}'`,
      `STANDARD_DIRS = ['${whisper}']`,
      `LOG_DIR = '${dir}'`,
      `INDEX_FILE = '${dir}/index'`,
      `CARBONLINK_HOSTS = ['127.0.0.1:${cacheQuery}']`,
      `DATABASES = {'default': {'NAME': '${dir}/graphite.db', 'ENGINE': 'django.db.backends.sqlite3'}}`,
      '',
    ].join('\n'),
  );
  let output = '';
  const collect = (child: ChildProcess) => {
    child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    return child;
  };
  const carbon = collect(
    spawn('carbon-cache', [`--config=${dir}/carbon.conf`, '--nodaemon', 'start'], { stdio: 'pipe' }),
  );
  const webServer = collect(
    spawn('graphite-manage', ['runserver', `127.0.0.1:${web}`, '--noreload'], {
      stdio: 'pipe',
      env: { ...process.env, PYTHONPATH: dir, GRAPHITE_SETTINGS_MODULE: 'aviary_graphite_settings' },
    }),
  );
  const url = `http://127.0.0.1:${web}`;
  const stop = async () => {
    carbon.kill();
    webServer.kill();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(
      'carbon-cache did not listen',
      () => tcpOpen(line),
      () => output,
    );
    await until(
      'graphite-web did not answer',
      async () => (await fetch(`${url}/render?target=none&format=json`)).ok,
      () => output,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    stop,
    write: (points) =>
      new Promise((resolve, reject) => {
        const socket = connect(line, '127.0.0.1', () => {
          socket.end(points.map(([path, value, at]) => `${path} ${value} ${at}\n`).join(''), () => resolve());
        });
        socket.on('error', reject);
      }),
    waitForPoint: (target, at) =>
      until(
        `no point of ${target} at ${at}`,
        async () => {
          const answer = await fetch(
            `${url}/render?target=${encodeURIComponent(target)}&from=-1h&format=json`,
          );
          const series = (await answer.json()) as { datapoints: [number | null, number][] }[];
          return series.some((s) => s.datapoints.some(([v, t]) => v !== null && Math.abs(t - at) < 10));
        },
        () => output,
        10_000,
      ),
  };
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
