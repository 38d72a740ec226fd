import type { Clock } from '@renueva/domain';

/** A clock that moves only when told to. */
export class FixedClock implements Clock {
  #now: number;

  constructor(start: Date = new Date('2026-03-02T16:00:00.000Z')) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(seconds: number): void {
    this.#now += seconds * 1000;
  }

  set(date: Date): void {
    this.#now = date.getTime();
  }
}
