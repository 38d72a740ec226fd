import { parseOptions, verifySync } from '@node-rs/argon2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARGON2ID_PARAMS, Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import { NodeSecrets } from '../src/crypto/node-secrets.js';
import { JOBS_PER_THREAD } from '../src/crypto/password-threads.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import { WorkLimiter } from '../src/crypto/work-limiter.js';
import { ZxcvbnPasswordStrength } from '../src/crypto/zxcvbn-password-strength.js';

const SECRET = 'a-server-secret-of-at-least-32-characters!';

describe('Argon2PasswordHasher', () => {
  it('hashes with argon2id m=19456 t=2 p=1, verifies, and never throws on garbage', async () => {
    const hasher = Argon2PasswordHasher.create();
    const hash = (await hasher.hash('una frase bastante larga')).unwrap();
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hasher.dummyHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await hasher.verify(hash, 'una frase bastante larga')).unwrap()).toBe(true);
    expect((await hasher.verify(hash, 'otra')).unwrap()).toBe(false);
    expect((await hasher.verify('garbage', 'x')).unwrap()).toBe(false);
    expect((await hasher.verify('$argon2id$garbage', 'x')).unwrap()).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(parseOptions(hash).memoryCost).toBe(19456);
  });

  it('checks unknown identifiers against a stand-in hash: the policy, a random salt and output; no password verifies', async () => {
    const hasher = Argon2PasswordHasher.create();
    expect(hasher.dummyHash).not.toBe(Argon2PasswordHasher.create().dummyHash);
    expect(parseOptions(hasher.dummyHash)).toMatchObject({
      memoryCost: ARGON2ID_PARAMS.memoryCost,
      timeCost: ARGON2ID_PARAMS.timeCost,
      parallelism: ARGON2ID_PARAMS.parallelism,
    });
    expect(hasher.needsRehash(hasher.dummyHash)).toBe(false);
    // well formed: argon2 computes the whole hash and compares (a malformed one would throw
    // here, and on a thread answer false at once, quicker than a real check)
    expect(verifySync(hasher.dummyHash, '')).toBe(false);
    expect((await hasher.verify(hasher.dummyHash, 'una frase bastante larga')).unwrap()).toBe(
      false,
    );
  });

  it('asks for a rehash of weaker or foreign hashes', async () => {
    const hasher = Argon2PasswordHasher.create();
    expect(
      hasher.needsRehash(
        '$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
      ),
    ).toBe(true);
    expect(
      hasher.needsRehash(
        '$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
      ),
    ).toBe(true);
    expect(hasher.needsRehash('$2b$10$abc')).toBe(true);
  });
});

describe('WorkLimiter', () => {
  it('runs a bounded number at once, queues a bounded number, and answers busy past it', async () => {
    const limiter = new WorkLimiter({ concurrency: 2, maxQueue: 3 });
    expect(limiter.capacity).toBe(5); // what the HTTP admission gate counts against
    const gates: (() => void)[] = [];
    let running = 0;
    let peak = 0;
    const work = () =>
      new Promise<number>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        gates.push(() => {
          running--;
          resolve(1);
        });
      });
    const accepted = Array.from({ length: 5 }, () => limiter.run(work));
    const refused = await limiter.run(work);
    expect(refused.isErr() && refused.error).toEqual({ code: 'busy', retryAfterSeconds: 1 });
    let settled = false;
    const all = Promise.all(accepted).finally(() => {
      settled = true;
    });
    while (!settled) {
      await new Promise((r) => setTimeout(r, 1));
      gates.shift()?.();
    }
    const results = await all;
    expect(results.every((r) => r.isOk())).toBe(true);
    expect((await limiter.run(async () => 2)).unwrap()).toBe(2); // room again
    // two per slot are handed out at once: a password thread gets its next job while it
    // computes one (JOBS_PER_THREAD); the capacity counts slots
    expect(peak).toBe(2 * JOBS_PER_THREAD);
  });

  it('tells its observer of its own refusals and of those decided in front of it', async () => {
    let rejected = 0;
    const limiter = new WorkLimiter({
      concurrency: 1,
      maxQueue: 0,
      observer: { waited: () => undefined, rejected: () => rejected++ },
    });
    const running = limiter.run(() => new Promise((r) => setTimeout(r, 20)));
    expect((await limiter.run(async () => 1)).isErr()).toBe(true);
    limiter.refused(); // the HTTP admission gate
    expect(rejected).toBe(2);
    await running;
  });
});

describe('NodeSecrets', () => {
  const secrets = new NodeSecrets(SECRET);

  it('draws zero-padded codes of the asked length and 256-bit tokens', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 10 }), (digits) => {
        expect(secrets.code(digits)).toMatch(new RegExp(`^\\d{${digits}}$`));
      }),
    );
    const token = secrets.token();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(secrets.token()).not.toBe(token);
  });

  it('hashes with a key: the hash is not the input, matches in constant time, depends on the secret', () => {
    const hash = secrets.mac('123456');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secrets.matches('123456', hash)).toBe(true);
    expect(secrets.matches('123457', hash)).toBe(false);
    expect(secrets.matches('123456', 'not hex')).toBe(false);
    expect(new NodeSecrets(`${SECRET}2`).mac('123456')).not.toBe(hash);
  });

  it('refuses a short server secret', () => {
    expect(() => new NodeSecrets('short')).toThrow(/at least 32/);
  });
});

describe('SecretBox', () => {
  it('seals and opens; tampering or another key gives null', () => {
    const box = new SecretBox(SECRET);
    const sealed = box.seal('482913');
    expect(sealed).not.toContain('482913');
    expect(box.open(sealed)).toBe('482913');
    expect(box.seal('482913')).not.toBe(sealed); // random IV
    expect(new SecretBox(`${SECRET}2`).open(sealed)).toBeNull();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('999999').toString('base64url');
    expect(box.open(parts.join('.'))).toBeNull();
    expect(box.open('garbage')).toBeNull();
    // a format version it does not know is refused, even with valid parts
    expect(box.open(sealed.replace(/^v1\./, 'v2.'))).toBeNull();
  });
});

describe('NodeSecrets, across versions', () => {
  it('keeps the HMAC of stored codes and tokens stable: HKDF-SHA256 of the secret, info "hmac"', () => {
    // computed independently (node:crypto hkdfSync + createHmac, 2026-11-26); a change here
    // would end every session and flow that a previous version stored
    const secrets = new NodeSecrets(SECRET);
    expect(secrets.mac('482913')).toBe(
      'f742825e2c50d7a94ac013c0ef0ca059c62369d3ac3cb2acd427d34093473486',
    );
    expect(secrets.mac('contraseña')).toBe(
      'baa53c1f81c9937c2a05bc18e496aa9ab9964d099ee24947faa72c7685122768',
    );
  });

  it('draws a fresh random UUID each time', () => {
    const secrets = new NodeSecrets(SECRET);
    const ids = Array.from({ length: 50 }, () => secrets.uuid());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(50);
  });
});

describe('ZxcvbnPasswordStrength', () => {
  const strength = new ZxcvbnPasswordStrength();
  it.each(['contraseña123', 'password1234', 'qwertyuiop12', 'barcelona2020'])(
    'rejects %s with Spanish feedback',
    (p) => {
      const verdict = strength.check(p, []);
      expect(verdict.acceptable).toBe(false);
      if (!verdict.acceptable) expect(verdict.feedback).toMatch(/[a-záéíóúñ]/i);
    },
  );
  it('accepts a long unusual passphrase', () => {
    expect(strength.check('tortuga violeta bajo el puente 47', []).acceptable).toBe(true);
  });
  it('treats the account words as known', () => {
    expect(strength.check('dbarronrmz12024', []).acceptable).toBe(true);
    const verdict = strength.check('dbarronrmz12024', ['dbarronrmz1']);
    expect(verdict).toEqual({
      acceptable: false,
      feedback: expect.stringContaining('datos personales'),
    });
  });
});
