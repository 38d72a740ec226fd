import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import { passwordThreads } from '../src/crypto/password-threads.js';
import { WorkLimiter } from '../src/crypto/work-limiter.js';

// its own file: the process's pool of password threads starts empty here
describe('starting the password threads', () => {
  it('a hasher is built without a thread; `warm` starts one per slot', async () => {
    const limiter = new WorkLimiter({ concurrency: 3 });
    const hasher = Argon2PasswordHasher.create(limiter);
    const pool = passwordThreads(limiter.slots);
    expect(await pool.threadIds()).toHaveLength(0);
    await hasher.warm();
    expect(await pool.threadIds()).toHaveLength(3);
    expect(pool.held()).toEqual([0, 0, 0]);
  });
});
