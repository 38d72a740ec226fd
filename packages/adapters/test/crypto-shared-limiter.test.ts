import { hash as bcryptHash } from '@node-rs/bcrypt';
import { createUseCases } from '@renueva/domain';
import { createMemoryPorts } from '@renueva/domain/testing';
import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import { SchemeLegacyPasswordVerifier } from '../src/crypto/legacy-password-verifier.js';
import { WorkLimiter } from '../src/crypto/work-limiter.js';

// a published bcrypt vector (passlib test_handlers_bcrypt.py, from John the Ripper 1.7.9)
const BCRYPT = '$2a$05$c92SVSfjeiCD6F2nAD6y0uBpJDjdRkt0EgeC4/31Rf2LUZbDRDE.O';

describe('one WorkLimiter for the hasher and the legacy verifier', () => {
  it('counts legacy verifications and argon2 work against the same bound', async () => {
    const shared = new WorkLimiter({ concurrency: 1, maxQueue: 0 });
    const hasher = Argon2PasswordHasher.create(shared);
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

  it('a sign-in of every class waits its turn in the queue: a legacy scheme checked at once too', async () => {
    const shared = new WorkLimiter({ concurrency: 1, maxQueue: 16 });
    const hasher = Argon2PasswordHasher.create(shared);
    const legacy = new SchemeLegacyPasswordVerifier(shared);
    const ports = createMemoryPorts({ hasher, legacy });
    // published vectors (passlib): LDAP digests, md5-crypt; and a hex digest
    const hashes = {
      ldapSha: '{SHA}at+xg6SiyUovktq1redipHiJpaE=',
      ldapSsha: '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
      ldapMd5: '{MD5}/F4DjTilcDIIVEHn/nAQsA==',
      md5Crypt: '$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o.',
      md5: 'md5:900150983cd24fb0d6963f7d28e17f72',
    };
    async function* rows() {
      for (const [i, [username, passwordHash]] of Object.entries(hashes).entries())
        yield {
          line: i + 2,
          customerNumber: String(100 + i),
          username,
          email: `${username.toLowerCase()}@example.mx`,
          emailValid: true,
          passwordHash,
        };
    }
    const imported = await ports.accounts.importLegacy(rows(), {
      dryRun: false,
      now: ports.clock.now(),
    });
    expect(imported.rejected).toEqual([]);
    const { logIn } = createUseCases(ports);
    const context = { ip: '203.0.113.7', userAgent: 'test' };

    // the queue ahead: two checks of ~70 ms each (the thread holds its next job too)
    const slow = await bcryptHash('otra cosa', { cost: 10 });
    const order: string[] = [];
    const ahead = [1, 2].map((n) =>
      legacy.verify(slow, 'otra cosa').then(() => order.push(`ahead ${n}`)),
    );
    await Promise.all(
      [...Object.keys(hashes), 'nadie.existe'].map((identifier) =>
        logIn({ identifier, password: 'una contraseña equivocada', context }).then((answer) => {
          expect(answer.isErr() && answer.error.code, identifier).toBe('invalid_credentials');
          order.push(identifier);
        }),
      ),
    );
    await Promise.all(ahead);
    // every sign-in answered after the check ahead of it
    expect(order[0]).toBe('ahead 1');
  });
});
