/**
 * Reads a file named on the command line, or stdin for "-", as UTF-8 text. Reading stops past
 * LIMITS.bytes: a manifest is never that large, and a 50 MB file once took 1.96 GB to validate.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { LIMITS, mib } from '../../api/limits.js';
import { AviaryError, unreadable } from '../../errors.js';

export async function readInput(file: string, maxBytes: number = LIMITS.bytes): Promise<string> {
  const name = file === '-' ? 'stdin' : file;
  const size =
    file === '-'
      ? undefined
      : await stat(file).then(
          (s) => (s.isFile() ? s.size : undefined),
          () => undefined,
        );
  if (size !== undefined && size > maxBytes) throw tooLarge(name, `is ${mib(size)}, more than`, maxBytes);
  const stream: Readable = file === '-' ? process.stdin : createReadStream(file);
  const chunks: Buffer[] = [];
  let read = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      read += buffer.length;
      if (read > maxBytes) {
        if (stream !== process.stdin) stream.destroy();
        throw tooLarge(name, 'has more than', maxBytes);
      }
      chunks.push(buffer);
    }
  } catch (err) {
    if (err instanceof AviaryError) throw err;
    throw unreadable(name, err);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(name: string, what: string, maxBytes: number): AviaryError {
  return new AviaryError(
    'INVALID_SPEC',
    `${name} ${what} the ${mib(maxBytes)} a manifest may have — split it into smaller files`,
  );
}
