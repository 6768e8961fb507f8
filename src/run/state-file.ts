/**
 * The local runtime's status store: the Canary status as JSON in a file, written atomically (temp file
 * + rename), so a run killed at any moment resumes from the last complete status.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Canary, CanaryStatus } from '../api/types.js';
import type { StatusStore } from '../engine/ports.js';
import { crashPoint } from '../local/crash-point.js';

export class FileStatusStore implements StatusStore {
  constructor(readonly path: string) {}

  async read(): Promise<CanaryStatus | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as CanaryStatus;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(
        `state file ${this.path} is unreadable (${(err as Error).message}) — delete it to start over`,
        {
          cause: err,
        },
      );
    }
  }

  async write(_canary: Canary, status: CanaryStatus): Promise<void> {
    crashPoint('status-write:before');
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(status, null, 2)}\n`);
    await rename(temp, this.path);
    crashPoint('status-write:after');
  }
}
