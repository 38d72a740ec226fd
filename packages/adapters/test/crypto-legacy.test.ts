import { describe, expect, it } from 'vitest';
import {
  describeLegacyHash,
  SchemeLegacyPasswordVerifier,
} from '../src/crypto/legacy-password-verifier.js';

const verifier = new SchemeLegacyPasswordVerifier();

/**
 * Vectors from public documentation:
 * - bcrypt: the OpenBSD / Openwall crypt_blowfish vectors ("U*U", "U*U*"), as in
 *   John the Ripper 1.7.9 and passlib's test suite. $2b$ and $2y$ are the same
 *   algorithm with a newer tag (PHP writes $2y$).
 * - argon2: the README of the reference implementation (P-H-C/phc-winner-argon2):
 *   `echo -n "password" | ./argon2 somesalt -t 2 -m 16 -p 4 -l 24`.
 * - Django pbkdf2_sha256: Django's test_hashers (`make_password("lètmein", "seasalt")`
 *   with 1,000,000 iterations).
 * - The rest (Django pbkdf2_sha1, ASP.NET Identity v2/v3, md5/sha1/sha256 hex) were
 *   computed with an independent implementation, Python's hashlib (`pbkdf2_hmac`,
 *   `md5`, `sha1`, `sha256`), following the formats documented by Django and by
 *   ASP.NET Core's PasswordHasher (marker byte, PRF, iteration count and salt length
 *   as big-endian uint32, salt, subkey).
 */
const vectors: [scheme: string, password: string, stored: string][] = [
  ['bcrypt $2a$', 'U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['bcrypt $2a$', 'U*U*', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK'],
  ['bcrypt $2b$', 'U*U', '$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['bcrypt $2y$', 'U*U', '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  [
    'argon2i PHC',
    'password',
    '$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
  ],
  [
    'django pbkdf2_sha256',
    'lètmein',
    'pbkdf2_sha256$1000000$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=',
  ],
  ['django pbkdf2_sha1', 'lètmein', 'pbkdf2_sha1$260000$seasalt$XXHk2gQ7tjWIyrS320RXXsGqkUg='],
  [
    'aspnet identity v2',
    'Contraseña1',
    'aspnet-identity:AAABAgMEBQYHCAkKCwwNDg9XmFhZCxe16kSQSw8vE4kbLlmEt9YoEBoVw7Kk49bEWQ==',
  ],
  [
    'aspnet identity v3 sha256',
    'Contraseña1',
    'aspnet-identity:AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg/g6vPf9enIjjJgf/chpUVOHC1jjOUrLgPUoFw8RFIySA==',
  ],
  [
    'aspnet identity v3 sha512',
    'Contraseña1',
    'aspnet-identity:AQAAAAIAAYagAAAAEAABAgMEBQYHCAkKCwwNDg9DATaFfvd+utoJ+l2ueg5Hyo47j+RGT16nvw/HHjI63A==',
  ],
  ['md5', 'contraseña', 'md5:4c882dcb24bcb1bc225391a602feca7c'],
  ['sha1', 'contraseña', 'sha1:8c31b65bdecdc9f18b695d7318186fd1feed690d'],
  [
    'sha256',
    'contraseña',
    'sha256:EDF9CF90718610EE7DE53C0DCC250739239044DE9BA115BB0CA6026C3E4958A5',
  ],
  ['plain', 'contraseña', 'plain:contraseña'],
];

describe('SchemeLegacyPasswordVerifier', () => {
  it.each(vectors)(
    '%s: recognizes, accepts the password, refuses another',
    async (_scheme, password, stored) => {
      expect(verifier.recognizes(stored)).toBe(true);
      expect((await verifier.verify(stored, password)).unwrap()).toBe(true);
      expect((await verifier.verify(stored, `${password}x`)).unwrap()).toBe(false);
    },
  );

  it('describes each hash by its scheme and work factor, what its check costs depends on', () => {
    const described = Object.fromEntries(
      [
        ...vectors.map(([, , stored]) => stored),
        '$2b$12$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
        // argon2 1.0 wrote no version: grouped with the same parameters of 1.3
        '$argon2i$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG',
        '{CRYPT}$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq',
        '$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o.',
        '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
        '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
        '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0',
        '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
        '{MD5}/F4DjTilcDIIVEHn/nAQsA==',
        'wrapped-argon2id:md5:$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
        'rot13:abc',
      ].map((stored) => [stored, describeLegacyHash(stored)]),
    );
    expect(new Set(Object.values(described))).toEqual(
      new Set([
        'bcrypt cost 5',
        'argon2i m=65536,t=2,p=4',
        'PBKDF2-SHA256, 1000000 iterations',
        'PBKDF2-SHA1, 260000 iterations',
        'PBKDF2-SHA1, 1000 iterations',
        'PBKDF2-SHA256, 10000 iterations',
        'PBKDF2-SHA512, 100000 iterations',
        'md5, unsalted',
        'sha1, unsalted',
        'sha256, unsalted',
        'plain text',
        'bcrypt cost 12',
        'bcrypt cost 7',
        'md5-crypt',
        'sha256-crypt, 5000 rounds',
        'sha512-crypt, 10000 rounds',
        'phpass, 2^11 rounds',
        'LDAP {SSHA}',
        'LDAP {MD5}',
        'md5 wrapped in argon2id',
        'not recognised',
      ]),
    );
  });

  it('says which hashes it checks at once, outside the hasher queue (a sign-in pays the dummy check beside them)', () => {
    const atOnce = [
      'md5:4c882dcb24bcb1bc225391a602feca7c',
      'sha1:8c31b65bdecdc9f18b695d7318186fd1feed690d',
      'plain:contraseña',
      '{MD5}/F4DjTilcDIIVEHn/nAQsA==',
      '{SHA}at+xg6SiyUovktq1redipHiJpaE=',
      '{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE=',
      '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
      'rot13:abc', // not recognised: answered false at once
    ];
    const queued = [
      ...vectors
        .filter(([scheme]) => !['md5', 'sha1', 'sha256', 'plain'].includes(scheme))
        .map(([, , stored]) => stored),
      '$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o.',
      '{CRYPT}$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1',
    ];
    expect(atOnce.filter((h) => !verifier.checkedAtOnce(h))).toEqual([]);
    expect(queued.filter((h) => verifier.checkedAtOnce(h))).toEqual([]);
    expect(queued.length).toBeGreaterThan(8);
  });

  it.each([
    '',
    'rot13:abc',
    'md5:xyz',
    'md5:4c882dcb24bcb1bc225391a602feca7', // one digit short
    'sha256:',
    'plain:',
    '$2a$05$short',
    '$2a$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', // absurd cost
    '$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub', // absurd memory
    'pbkdf2_sha256$999999999$salt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=', // absurd iterations
    'pbkdf2_sha256$1000$salt$notbase64!!',
    'pbkdf2_md5$1000$salt$abc=',
    'aspnet-identity:!!!',
    'aspnet-identity:AAEC', // too short
    'aspnet-identity:AQAAAAkAACcQAAAAEAAB', // unknown PRF
  ])('a malformed stored hash %j is not recognized and never verifies', async (stored) => {
    expect(verifier.recognizes(stored)).toBe(false);
    expect((await verifier.verify(stored, 'anything')).unwrap()).toBe(false);
  });
});
