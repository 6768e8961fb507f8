import type { Clock } from '../ports.js';

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  constructor(private ms = Date.parse('2025-01-01T00:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
