/** Reads a file named on the command line, or stdin for "-", as UTF-8 text. */
import { readFile } from 'node:fs/promises';
import { AviaryError } from '../../errors.js';

export async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    throw new AviaryError('NOT_FOUND', `cannot read ${file}: ${reason}`, { cause: err });
  }
}
