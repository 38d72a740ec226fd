import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ARGON2ID_PARAMS } from './argon2-params.js';

/**
 * The niceness of the hashing threads: Linux's lowest priority, so the event loop, which
 * answers and refuses, wins a CPU over a hash (ADR 0015; +10 was measured too, and left
 * the loop slower). Raising niceness needs no privilege.
 */
export const PASSWORD_THREAD_NICENESS = 19;

/** The slow password checks that run on a password thread; each answers what it names. */
export type PasswordJob =
  | { kind: 'argon2-hash'; password: string }
  /** Any argon2 PHC string; a malformed one is `false`. */
  | { kind: 'argon2-verify'; hash: string; password: string }
  | { kind: 'bcrypt-verify'; hash: string; password: string | Uint8Array }
  /** PBKDF2 of `password`, compared in constant time with `expected`. */
  | {
      kind: 'pbkdf2-verify';
      password: string;
      salt: Uint8Array;
      iterations: number;
      digest: 'sha1' | 'sha256' | 'sha512';
      expected: Uint8Array;
    };

export type JobResult<J extends PasswordJob> = J extends { kind: 'argon2-hash' } ? string : boolean;

/** A password thread stopped (crashed, or `close`d) while it held a job. */
export class PasswordThreadError extends Error {
  override name = 'PasswordThreadError';
}

// The thread's code, CommonJS run with `eval`: the same text from the sources (tests) and
// from dist, with the native modules required by absolute path. A verify never throws
// (a malformed hash is `false`, as before); a hash that fails answers its error.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readlinkSync } = require('node:fs');
const { getPriority, setPriority } = require('node:os');
const { pbkdf2Sync, timingSafeEqual } = require('node:crypto');
const argon2 = require(workerData.argon2);
const bcrypt = require(workerData.bcrypt);
let tid = null;
try {
  // "<pid>/task/<tid>": setpriority on a thread id changes that thread only (Linux)
  tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (getPriority(tid) < workerData.niceness) setPriority(tid, workerData.niceness);
} catch {
  // no /proc/thread-self (not Linux) or not allowed: the thread keeps its priority
}
const never = (f) => { try { return f(); } catch { return false; } };
const run = (job) => {
  switch (job.kind) {
    case 'argon2-hash': return argon2.hashSync(job.password, workerData.params);
    case 'argon2-verify': return never(() => argon2.verifySync(job.hash, job.password));
    case 'bcrypt-verify': return never(() => bcrypt.verifySync(job.password, job.hash));
    case 'pbkdf2-verify': return never(() => {
      const derived = pbkdf2Sync(job.password, job.salt, job.iterations, job.expected.length, job.digest);
      return derived.length === job.expected.length && timingSafeEqual(derived, job.expected);
    });
    default: throw new Error('unknown password job');
  }
};
parentPort.on('message', ({ id, job }) => {
  try {
    parentPort.postMessage({ id, value: run(job) });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : 'password job failed' });
  }
});
parentPort.postMessage({ tid });
`;

const resolve = createRequire(import.meta.url).resolve;

/**
 * Jobs a thread is handed at once: the one it computes and the next, waiting in its
 * port, so that it goes from one hash to the next without waiting for the event loop to
 * hand it another (measured: 12 % of each thread's time idle between jobs under load).
 * It still computes one at a time.
 */
export const JOBS_PER_THREAD = 2;

interface Handed {
  job: PasswordJob;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The thread that holds it (another one if its first stopped before it began). */
  thread: Thread;
}

interface Thread {
  worker: Worker;
  /** The kernel thread id, once the thread said it (null where unknown). */
  tid: Promise<number | null>;
  /** Jobs handed to it and not answered, by id, in the order it takes them. */
  jobs: Map<number, Handed>;
  /** Jobs it is promised to: handed to it, or about to be. */
  held: number;
}

/**
 * Our own threads for the slow password checks, one per hashing slot, each at a lower
 * OS priority than the event loop where the platform allows it (ADR 0015). libuv's pool
 * cannot be told apart from the rest of the process to be reniced, and serves files and
 * DNS too. Threads start when first needed and do not keep the process alive while idle.
 * Each is handed up to `JOBS_PER_THREAD` jobs at once, an idle thread first.
 */
export class PasswordThreads {
  #size: number;
  readonly #all = new Set<Thread>();
  readonly #waiting: Array<(thread: Thread) => void> = [];
  #nextId = 0;

  constructor(size = availableParallelism()) {
    this.#size = Math.max(1, size);
  }

  /** Threads at most (grown by `atLeast`). */
  get size(): number {
    return this.#size;
  }

  /** Lets this pool run at least `size` jobs at once (it never shrinks). */
  atLeast(size: number): this {
    this.#size = Math.max(this.#size, size);
    return this;
  }

  /** Runs `job` on a thread with room (waiting for one if none has). */
  async run<J extends PasswordJob>(job: J): Promise<JobResult<J>> {
    const id = this.#nextId++;
    let handed: Handed | undefined;
    const thread = await this.#take();
    try {
      return (await new Promise((resolve, reject) => {
        handed = { job, resolve, reject, thread };
        this.#hand(thread, id, handed);
      })) as JobResult<J>;
    } finally {
      const holder = handed?.thread ?? thread;
      holder.jobs.delete(id);
      holder.held--;
      if (this.#all.has(holder)) this.#give(holder);
    }
  }

  #hand(thread: Thread, id: number, handed: Handed): void {
    handed.thread = thread;
    thread.jobs.set(id, handed);
    thread.worker.ref();
    thread.worker.postMessage({ id, job: handed.job });
  }

  /** How many jobs each thread holds now (computing, or next in its port). */
  held(): number[] {
    return [...this.#all].map((t) => t.held);
  }

  /** The kernel ids of the threads started so far (null where the platform has none). */
  threadIds(): Promise<Array<number | null>> {
    return Promise.all([...this.#all].map((t) => t.tid));
  }

  /** Stops every thread; a job they held fails with `PasswordThreadError`. Later jobs start new ones. */
  async close(): Promise<void> {
    await Promise.all([...this.#all].map((t) => t.worker.terminate()));
  }

  /** A thread for one more job, counted as held at once: an idle one, a new one, else the least busy with room. */
  #take(): Promise<Thread> {
    let least: Thread | null = null;
    for (const t of this.#all) if (!least || t.held < least.held) least = t;
    const thread =
      least && (least.held === 0 || (this.#all.size >= this.#size && least.held < JOBS_PER_THREAD))
        ? least
        : this.#all.size < this.#size
          ? this.#start()
          : null;
    if (!thread) return new Promise((resolve) => this.#waiting.push(resolve));
    thread.held++;
    return Promise.resolve(thread);
  }

  /** A job of `thread` is over: its room goes to the first waiting, else it may idle. */
  #give(thread: Thread): void {
    const next = this.#waiting.shift();
    if (next) {
      thread.held++;
      next(thread);
    } else if (thread.held === 0) thread.worker.unref();
  }

  #start(): Thread {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      // not the process's flags: `--input-type=module` would read this source as ESM,
      // and a preloaded `--require` has nothing to do on a hashing thread
      execArgv: [],
      workerData: {
        argon2: resolve('@node-rs/argon2'),
        bcrypt: resolve('@node-rs/bcrypt'),
        params: ARGON2ID_PARAMS,
        niceness: PASSWORD_THREAD_NICENESS,
      },
    });
    worker.unref();
    let said: (tid: number | null) => void = () => {};
    const thread: Thread = {
      worker,
      tid: new Promise((r) => {
        said = r;
      }),
      jobs: new Map(),
      held: 0,
    };
    let failure = 'a password thread stopped';
    worker.on(
      'message',
      (m: { tid?: number | null; id?: number; value?: unknown; error?: string }) => {
        if ('tid' in m) return said(m.tid ?? null);
        const job = thread.jobs.get(m.id as number);
        if (m.error !== undefined) job?.reject(new Error(m.error));
        else job?.resolve(m.value);
      },
    );
    worker.on('error', (e) => {
      failure = `a password thread failed: ${e.message}`;
    });
    worker.once('exit', () => {
      said(null);
      this.#all.delete(thread);
      // the first job was the one it computed: it fails; the next had not begun, and goes
      // to a fresh thread, as do those waiting for one
      const [computing, ...next] = thread.jobs;
      computing?.[1].reject(new PasswordThreadError(failure));
      if (next.length === 0 && this.#waiting.length === 0) return;
      const fresh = this.#start();
      for (const [id, handed] of next) {
        fresh.held++;
        this.#hand(fresh, id, handed);
      }
      while (fresh.held < JOBS_PER_THREAD && this.#waiting.length > 0) {
        fresh.held++;
        this.#waiting.shift()?.(fresh);
      }
    });
    this.#all.add(thread);
    return thread;
  }
}

let shared: PasswordThreads | null = null;

/**
 * The process's password threads, at least `size` of them: one pool however many
 * limiters ask (in production one; in tests many, which must not each start threads).
 */
export function passwordThreads(size: number): PasswordThreads {
  shared ??= new PasswordThreads(size);
  return shared.atLeast(size);
}
