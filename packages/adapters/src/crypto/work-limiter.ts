import { availableParallelism } from 'node:os';
import { Err, type HasherBusy, Ok, type Result } from '@renueva/domain';
import pLimit from 'p-limit';

export interface LimiterOptions {
  /** Hashes computed at once (default: the number of CPUs). */
  concurrency?: number;
  /** Hashes allowed to wait; past it callers get `busy` at once (default 64). */
  maxQueue?: number;
}

/**
 * Bounds CPU-heavy password work: a fixed number run at once, a bounded number wait,
 * and past that the caller gets a typed `busy` straight away instead of piling up
 * memory and latency (the HTTP layer turns it into a fast 503 with Retry-After).
 */
export class WorkLimiter {
  readonly #limit: ReturnType<typeof pLimit>;
  readonly #capacity: number;
  /** Accepted and not finished (running + waiting), counted synchronously. */
  #inFlight = 0;

  constructor(options: LimiterOptions = {}) {
    this.#limit = pLimit(Math.max(1, options.concurrency ?? availableParallelism()));
    this.#capacity = this.#limit.concurrency + Math.max(0, options.maxQueue ?? 64);
  }

  /** Whether `run` called now would answer `busy` at once. */
  saturated(): boolean {
    return this.#inFlight >= this.#capacity;
  }

  async run<T>(work: () => Promise<T>): Promise<Result<T, HasherBusy>> {
    if (this.#inFlight >= this.#capacity) return Err({ code: 'busy', retryAfterSeconds: 1 });
    this.#inFlight++;
    try {
      return Ok(await this.#limit(work));
    } finally {
      this.#inFlight--;
    }
  }
}
