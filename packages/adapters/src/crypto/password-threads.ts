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

interface Thread {
  worker: Worker;
  /** The kernel thread id, once the thread said it (null where unknown). */
  tid: Promise<number | null>;
  job: { resolve(value: unknown): void; reject(error: Error): void } | null;
}

/**
 * Our own threads for the slow password checks, one per hashing slot, each at a lower
 * OS priority than the event loop where the platform allows it (ADR 0015). libuv's pool
 * cannot be told apart from the rest of the process to be reniced, and serves files and
 * DNS too. Threads start when first needed and do not keep the process alive while idle.
 */
export class PasswordThreads {
  #size: number;
  readonly #idle: Thread[] = [];
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

  /** Runs `job` on a free thread (waiting for one if all are busy). */
  async run<J extends PasswordJob>(job: J): Promise<JobResult<J>> {
    const thread = await this.#take();
    try {
      return (await new Promise((resolve, reject) => {
        thread.job = { resolve, reject };
        thread.worker.ref();
        thread.worker.postMessage({ id: this.#nextId++, job });
      })) as JobResult<J>;
    } finally {
      thread.job = null;
      if (this.#all.has(thread)) this.#give(thread);
    }
  }

  /** The kernel ids of the threads started so far (null where the platform has none). */
  threadIds(): Promise<Array<number | null>> {
    return Promise.all([...this.#all].map((t) => t.tid));
  }

  /** Stops every thread; a job they held fails with `PasswordThreadError`. Later jobs start new ones. */
  async close(): Promise<void> {
    await Promise.all([...this.#all].map((t) => t.worker.terminate()));
  }

  #take(): Promise<Thread> {
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#all.size < this.#size) return Promise.resolve(this.#start());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #give(thread: Thread): void {
    const next = this.#waiting.shift();
    if (next) {
      next(thread);
      return;
    }
    thread.worker.unref();
    this.#idle.push(thread);
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
      job: null,
    };
    let failure = 'a password thread stopped';
    worker.on('message', (m: { tid?: number | null; value?: unknown; error?: string }) => {
      if ('tid' in m) return said(m.tid ?? null);
      if (m.error !== undefined) thread.job?.reject(new Error(m.error));
      else thread.job?.resolve(m.value);
    });
    worker.on('error', (e) => {
      failure = `a password thread failed: ${e.message}`;
    });
    worker.once('exit', () => {
      said(null);
      this.#all.delete(thread);
      const at = this.#idle.indexOf(thread);
      if (at >= 0) this.#idle.splice(at, 1);
      thread.job?.reject(new PasswordThreadError(failure));
      // someone waiting for a thread gets a fresh one in its place
      const next = this.#waiting.shift();
      if (next) next(this.#start());
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
