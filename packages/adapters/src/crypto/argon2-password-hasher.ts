import { randomBytes } from 'node:crypto';
import { parseOptions } from '@node-rs/argon2';
import { type HasherBusy, Ok, type PasswordHasher, type Result } from '@renueva/domain';
import { ARGON2ID_PARAMS } from './argon2-params.js';
import { type LimiterOptions, WorkLimiter } from './work-limiter.js';

export { ARGON2ID_PARAMS };

/** `Version.V0x13` (a const enum, not importable): 1.3 fixed 1.0's memory-overwrite weakness. */
const ARGON2_VERSION_13 = 1;
/** How a hash made with the policy's parameters begins (PHC string format). */
const POLICY_PREFIX = `$argon2id$v=19$m=${ARGON2ID_PARAMS.memoryCost},t=${ARGON2ID_PARAMS.timeCost},p=${ARGON2ID_PARAMS.parallelism}$`;

/** PHC's base64: no padding. */
const phcBase64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/**
 * The hash an unknown identifier is checked against: the policy's parameters with a random
 * salt and a random output. Verifying any password against it costs what a real hash
 * costs, and fails. Made, not computed: building a hasher starts no thread and hashes
 * nothing (every CLI command builds one).
 */
const standIn = () => `${POLICY_PREFIX}${phcBase64(randomBytes(16))}$${phcBase64(randomBytes(32))}`;

/** argon2id through a bounded work queue, on the limiter's password threads. */
export class Argon2PasswordHasher implements PasswordHasher {
  private constructor(
    readonly dummyHash: string,
    readonly limiter: WorkLimiter,
  ) {}

  /** Pass a `WorkLimiter` to share one bound with the legacy verifier. */
  static create(limiter: LimiterOptions | WorkLimiter = {}): Argon2PasswordHasher {
    const work = limiter instanceof WorkLimiter ? limiter : new WorkLimiter(limiter);
    return new Argon2PasswordHasher(standIn(), work);
  }

  /**
   * Starts every password thread (`serve`, before it listens): one check of the dummy hash
   * per slot, so that the first sign-ins do not wait for a thread to start.
   */
  async warm(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.limiter.slots }, () => this.verify(this.dummyHash, '')),
    );
  }

  saturated(): boolean {
    return this.limiter.saturated();
  }

  hash(password: string): Promise<Result<string, HasherBusy>> {
    return this.limiter.compute({ kind: 'argon2-hash', password });
  }

  async verify(stored: string, password: string): Promise<Result<boolean, HasherBusy>> {
    if (!stored.startsWith('$argon2')) return Ok(false);
    return this.limiter.compute({ kind: 'argon2-verify', hash: stored, password });
  }

  needsRehash(stored: string): boolean {
    // every sign-in asks: a hash made with the policy itself is told by its prefix, without
    // the native parse
    if (stored.startsWith(POLICY_PREFIX)) return false;
    try {
      const p = parseOptions(stored);
      return (
        p.algorithm !== ARGON2ID_PARAMS.algorithm ||
        p.version !== ARGON2_VERSION_13 ||
        p.memoryCost < ARGON2ID_PARAMS.memoryCost ||
        p.timeCost < ARGON2ID_PARAMS.timeCost
      );
    } catch {
      return true;
    }
  }
}
