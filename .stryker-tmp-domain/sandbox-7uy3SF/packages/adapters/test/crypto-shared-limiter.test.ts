import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import { SchemeLegacyPasswordVerifier } from '../src/crypto/legacy-password-verifier.js';
import { WorkLimiter } from '../src/crypto/work-limiter.js';

// a published bcrypt vector (passlib test_handlers_bcrypt.py, from John the Ripper 1.7.9)
const BCRYPT = '$2a$05$c92SVSfjeiCD6F2nAD6y0uBpJDjdRkt0EgeC4/31Rf2LUZbDRDE.O';

describe('one WorkLimiter for the hasher and the legacy verifier', () => {
  it('counts legacy verifications and argon2 work against the same bound', async () => {
    const shared = new WorkLimiter({ concurrency: 1, maxQueue: 0 });
    const hasher = await Argon2PasswordHasher.create(shared);
    const legacy = new SchemeLegacyPasswordVerifier(shared);

    // the slot is taken synchronously by the first call, so the others see it at once
    const running = legacy.verify(BCRYPT, 'U*U*U*U*');
    const hashRefused = await hasher.hash('una frase bastante larga');
    const verifyRefused = await hasher.verify(hasher.dummyHash, 'x');
    const legacyRefused = await legacy.verify(BCRYPT, 'U*U*U*U*');
    for (const refused of [hashRefused, verifyRefused, legacyRefused]) {
      expect(refused.isErr() && refused.error).toEqual({ code: 'busy', retryAfterSeconds: 1 });
    }
    // cheap schemes never take a slot
    expect((await legacy.verify('md5:900150983cd24fb0d6963f7d28e17f72', 'abc')).unwrap()).toBe(
      true,
    );

    expect((await running).unwrap()).toBe(true);
    // free again: the hasher gets the slot
    expect((await hasher.verify(hasher.dummyHash, 'x')).unwrap()).toBe(false);
  });

  it('still builds a private limiter from options', async () => {
    const legacy = new SchemeLegacyPasswordVerifier({ concurrency: 1, maxQueue: 0 });
    const other = new SchemeLegacyPasswordVerifier({ concurrency: 1, maxQueue: 0 });
    const running = legacy.verify(BCRYPT, 'U*U*U*U*');
    // a different instance has its own bound
    expect((await other.verify(BCRYPT, 'U*U*U*U*')).unwrap()).toBe(true);
    expect((await running).unwrap()).toBe(true);
  });
});
