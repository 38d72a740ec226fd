import { availableParallelism } from 'node:os';
import { Err, type HasherBusy, Ok, type Result } from '@renueva/domain';
import pLimit from 'p-limit';
import {
  JOBS_PER_THREAD,
  type JobResult,
  type PasswordJob,
  type PasswordThreads,
  passwordThreads,
} from './password-threads.js';

export interface LimiterOptions {
  /** Hashes computed at once (default: the number of CPUs). */
  concurrency?: number;
  /** Hashes allowed to wait; past it callers get `busy` at once (default 64). */
  maxQueue?: number;
  /** Told how long each job waited for a slot, and of each job refused (metrics). */
  observer?: { waited(seconds: number): void; rejected(): void };
}

/**
 * Bounds CPU-heavy password work: a fixed number run at once, a bounded number wait,
 * and past that the caller gets a typed `busy` straight away instead of piling up
 * memory and latency (the HTTP layer turns it into a fast 503 with Retry-After).
 * `compute` runs a job on the process's password threads, one per slot, below the event
 * loop's priority (ADR 0015); `run` bounds work done elsewhere.
 */
export class WorkLimiter {
  readonly #limit: ReturnType<typeof pLimit>;
  /** Hashes computed at once: one per password thread. */
  readonly #slots: number;
  readonly #capacity: number;
  /** Accepted and not finished (running + waiting), counted synchronously. */
  #inFlight = 0;
  readonly #observer: LimiterOptions['observer'];
  readonly #threads: PasswordThreads;

  constructor(options: LimiterOptions = {}) {
    this.#slots = Math.max(1, options.concurrency ?? availableParallelism());
    // each thread is handed its next job while it computes one (JOBS_PER_THREAD)
    this.#limit = pLimit(this.#slots * JOBS_PER_THREAD);
    this.#capacity = this.#slots + Math.max(0, options.maxQueue ?? 64);
    this.#observer = options.observer;
    this.#threads = passwordThreads(this.#slots);
  }

  /** Hashes computed at once: one per password thread. */
  get slots(): number {
    return this.#slots;
  }

  /** Jobs accepted at most at once: computing plus waiting (past it, `busy`). */
  get capacity(): number {
    return this.#capacity;
  }

  /** Jobs computing now (one per slot at most), and jobs waiting for one. */
  get load(): { running: number; waiting: number } {
    const handed = this.#limit.activeCount;
    const running = Math.min(handed, this.#slots);
    return { running, waiting: this.#limit.pendingCount + handed - running };
  }

  /** Whether `run` called now would answer `busy` at once. */
  saturated(): boolean {
    return this.#inFlight >= this.#capacity;
  }

  /** Counts a refusal decided in front of the limiter (the HTTP admission gate) with its own. */
  refused(): void {
    this.#observer?.rejected();
  }

  /**
   * A slow password check on a password thread, within the bound. A thread that stops
   * under it rejects with `PasswordThreadError` (infrastructure, not a wrong password).
   */
  compute<J extends PasswordJob>(job: J): Promise<Result<JobResult<J>, HasherBusy>> {
    return this.run(() => this.#threads.run(job));
  }

  async run<T>(work: () => Promise<T>): Promise<Result<T, HasherBusy>> {
    const observer = this.#observer;
    if (this.#inFlight >= this.#capacity) {
      observer?.rejected();
      return Err({ code: 'busy', retryAfterSeconds: 1 });
    }
    this.#inFlight++;
    try {
      if (!observer) return Ok(await this.#limit(work));
      const queued = performance.now();
      return Ok(
        await this.#limit(() => {
          observer.waited((performance.now() - queued) / 1000);
          return work();
        }),
      );
    } finally {
      this.#inFlight--;
    }
  }
}
