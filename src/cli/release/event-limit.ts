import { AviaryError } from '../../errors.js';

/** `--events N`: how many events a view shows (bounded: the API returns them all). */
export function eventLimit(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1000) {
    throw new AviaryError('USAGE', `--events: "${text}" must be a whole number from 0 to 1000`);
  }
  return n;
}
