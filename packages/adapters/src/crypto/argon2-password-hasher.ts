import { randomBytes } from 'node:crypto';
import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { Err, type HasherBusy, Ok, type PasswordHasher, type Result } from '@renueva/domain';
import { type LimiterOptions, WorkLimiter } from './work-limiter.js';

/** OWASP's argon2id baseline, set explicitly: the library's defaults are weaker. */
export const ARGON2ID_PARAMS = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (a const enum, not importable here)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** `Version.V0x13` (a const enum, not importable): 1.3 fixed 1.0's memory-overwrite weakness. */
const ARGON2_VERSION_13 = 1;

/** argon2id through a bounded work queue. */
export class Argon2PasswordHasher implements PasswordHasher {
  private constructor(
    readonly dummyHash: string,
    readonly limiter: WorkLimiter,
  ) {}

  /**
   * Async because the dummy hash (verified against for unknown users) is computed once here.
   * Pass a `WorkLimiter` to share one bound with the legacy verifier.
   */
  static async create(limiter: LimiterOptions | WorkLimiter = {}): Promise<Argon2PasswordHasher> {
    const dummy = await hash(randomBytes(32).toString('base64'), ARGON2ID_PARAMS);
    return new Argon2PasswordHasher(
      dummy,
      limiter instanceof WorkLimiter ? limiter : new WorkLimiter(limiter),
    );
  }

  saturated(): boolean {
    return this.limiter.saturated();
  }

  hash(password: string): Promise<Result<string, HasherBusy>> {
    return this.limiter.run(() => hash(password, ARGON2ID_PARAMS));
  }

  async verify(stored: string, password: string): Promise<Result<boolean, HasherBusy>> {
    if (!stored.startsWith('$argon2')) return Ok(false);
    const result = await this.limiter.run(() => verify(stored, password).catch(() => false));
    return result.isOk() ? Ok(result.value) : Err(result.error);
  }

  needsRehash(stored: string): boolean {
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
