/**
 * The local runtime's status store: the Canary status as JSON in a file, written atomically (temp file
 * + rename), so a run killed at any moment resumes from the last complete status.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Canary, CanaryStatus } from '../../api/types.js';
import type { StatusStore } from '../../engine/ports.js';
import { crashPoint } from '../crash-point.js';
import { AviaryError, unreadable } from '../../errors.js';

export class FileStatusStore implements StatusStore {
  constructor(readonly path: string) {}

  async read(): Promise<CanaryStatus | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unreadable(`state file ${this.path}`, err);
    }
    try {
      return JSON.parse(text) as CanaryStatus;
    } catch (err) {
      throw new AviaryError(
        'INVALID_SPEC',
        `state file ${this.path} is not JSON: ${(err as Error).message}`,
        {
          cause: err,
          fix: 'delete it to start over',
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
