import type { Clock } from '@renueva/domain';

/** The machine's clock, for every running process (tests pin time with `FixedClock`). */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
