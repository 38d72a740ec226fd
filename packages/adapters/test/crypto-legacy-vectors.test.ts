import { isWeakLegacyHash } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import { SchemeLegacyPasswordVerifier } from '../src/crypto/legacy-password-verifier.js';
import { digests, plains, type Vector } from './weak-vectors.js';

/**
 * The legacy verifier against hashes published by the projects that define each scheme
 * (or by their standards), copied verbatim; only a scheme prefix is added where our
 * import format asks for one (`aspnet-identity:`, `md5:`, ...). Each vector must verify
 * with its password and fail with a changed one. Each group names where its vectors
 * came from: the GitHub repository and path, or the standard and its section.
 */
/** passlib's UPASS_TABLE (passlib/tests/test_handlers.py): checks the password is UTF-8 encoded. */
const UPASS_TABLE = 't\u00e1\u0411\u2113\u0259';

const bcrypt: Vector[] = [
  // passlib, passlib/tests/test_handlers_bcrypt.py (read in ThirVondukr/passlib),
  // `known_correct_hashes`: "from JTR 1.7.9" and "from http://www.openwall.com/crypt v1.2"
  {
    source: 'passlib (JtR 1.7.9)',
    password: 'U*U*U*U*',
    stored: '$2a$05$c92SVSfjeiCD6F2nAD6y0uBpJDjdRkt0EgeC4/31Rf2LUZbDRDE.O',
  },
  {
    source: 'passlib (Openwall crypt_blowfish 1.2)',
    password: 'U*U*U',
    stored: '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a',
  },
  {
    source: 'passlib (Openwall crypt_blowfish 1.2)',
    password: '',
    stored: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy',
  },
  {
    source: 'passlib (py-bcrypt tests)',
    password: 'abc',
    stored: '$2a$10$WvvTPHKwdBJ3uk0Z37EMR.hLA2W6N9AEBhEgrAOljy2Ae5MtaSIUi',
  },
  {
    source: 'passlib (UTF-8, $2a$)',
    password: UPASS_TABLE,
    stored: '$2a$05$Z17AXnnlpzddNUvnC6cZNOSwMA/8oNiKnHTHTwLlBijfucQQlHjaG',
  },
  {
    source: 'passlib (UTF-8, "ensure 2b support")',
    password: UPASS_TABLE,
    stored: '$2b$05$Z17AXnnlpzddNUvnC6cZNOSwMA/8oNiKnHTHTwLlBijfucQQlHjaG',
  },
  // PHP manual, php/doc-en reference/password/functions/password-verify.xml (the example)
  {
    source: 'PHP manual password_verify',
    password: 'rasmuslerdorf',
    stored: '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq',
  },
];

const argon2: Vector[] = [
  // The reference implementation's tests, P-H-C/phc-winner-argon2 src/test.c
  // (password "password", salt "somesalt"; the smallest-memory cases keep the test fast)
  {
    source: 'phc-winner-argon2 test.c, Argon2id v=19',
    password: 'password',
    stored: '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4',
  },
  {
    source: 'phc-winner-argon2 test.c, Argon2id v=19 p=2',
    password: 'password',
    stored: '$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc',
  },
  {
    source: 'phc-winner-argon2 test.c, Argon2i v=19',
    password: 'password',
    stored: '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8',
  },
  {
    source: 'phc-winner-argon2 test.c, Argon2i version 0x10 (no v=)',
    password: 'password',
    stored: '$argon2i$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY',
  },
  // test.c's "mismatching hash" case: this one encodes "passwore", not "password"
  {
    source: 'phc-winner-argon2 test.c, mismatch case',
    password: 'passwore',
    stored: '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$8iIuixkI73Js3G1uMbezQXD0b8LG4SXGsOwoQkdAQIM',
  },
  // Django, django/django tests/auth_tests/test_hashers.py `test_argon2` (Django stores
  // these behind its own `argon2` prefix, which is not part of the PHC string)
  {
    source: 'Django test_hashers, argon2i with version',
    password: 'secret',
    stored: '$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q',
  },
  {
    source: 'Django test_hashers, argon2i without version',
    password: 'secret',
    stored:
      '$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$gwQOXSNhxiOxPOA0+PY10P9QFO4NAYysnqRt1GSQLE55m+2GYDt9FEjPMHhP2Cuf0nOEXXMocVrsJAtNSsKyfg',
  },
  // argon2-jvm, phxql/argon2-jvm argon2-jvm/src/test/java/de/mkammerer/argon2/Argon2dTest.java
  // `testHashWithSalt` (PASSWORD = "password" in base/AbstractArgonTest.java)
  {
    source: 'argon2-jvm Argon2dTest',
    password: 'password',
    stored:
      '$argon2d$v=19$m=1024,t=2,p=1$dGhpc2lzdGhlc2FsdA$rkBsbLVYkXDowmxcwZ9qjpLuAbNjIPBXxmD27YvzHzw',
  },
];

const django: Vector[] = [
  // Django, django/django tests/auth_tests/test_hashers.py at 02dbf1667c6d (Django 4.1,
  // 390,000 iterations): `test_pbkdf2`, `test_low_level_pbkdf2`, `test_low_level_pbkdf2_sha1`
  {
    source: 'Django test_pbkdf2',
    password: 'lètmein',
    stored: 'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=',
  },
  {
    source: 'Django test_low_level_pbkdf2_sha1',
    password: 'lètmein',
    stored: 'pbkdf2_sha1$390000$seasalt2$aDapRanzW8aHTz97v2TcfHzWD+I=',
  },
  // passlib, passlib/tests/test_handlers_django.py: "generated via django 1.4 hasher"
  {
    source: 'passlib django_pbkdf2_sha256',
    password: 'not a password',
    stored: 'pbkdf2_sha256$10000$kjVJaVz6qsnJ$5yPHw3rwJGECpUf70daLGhOrQ5+AMxIJdz1c3bqK1Rs=',
  },
  {
    source: 'passlib django_pbkdf2_sha256 (UTF-8)',
    password: UPASS_TABLE,
    stored: 'pbkdf2_sha256$10000$bEwAfNrH1TlQ$OgYUblFNUX1B8GfMqaCYUK/iHyO0pa7STTDdaEJBuY0=',
  },
  {
    source: 'passlib django_pbkdf2_sha1',
    password: 'not a password',
    stored: 'pbkdf2_sha1$10000$wz5B6WkasRoF$atJmJ1o+XfJxKq1+Nu1f1i57Z5I=',
  },
  {
    source: 'passlib django_pbkdf2_sha1 (UTF-8)',
    password: UPASS_TABLE,
    stored: 'pbkdf2_sha1$10000$KZKWwvqb8BfL$rw5pWsxJEU4JrZAQhHTCO+u0f5Y=',
  },
  // The PBKDF2 standards' own vectors written in Django's format (base64 of the derived
  // key; for SHA-256 the first 32 bytes, which is the whole first PBKDF2 block):
  // RFC 6070 section 2, PBKDF2-HMAC-SHA1, P="password" S="salt", c=1 and c=4096:
  // 0c60c80f961f0e71f3a9b524af6012062fe037a6, 4b007901b765489abead49d926f721d065a429c1
  {
    source: 'RFC 6070, c=1',
    password: 'password',
    stored: 'pbkdf2_sha1$1$salt$DGDID5YfDnHzqbUkr2ASBi/gN6Y=',
  },
  {
    source: 'RFC 6070, c=4096',
    password: 'password',
    stored: 'pbkdf2_sha1$4096$salt$SwB5AbdlSJq+rUnZJvch0GWkKcE=',
  },
  // RFC 7914 section 11, PBKDF2-HMAC-SHA-256: P="passwd" S="salt" c=1 (55ac046e56e3089f…)
  // and P="Password" S="NaCl" c=80000 (4ddcd8f60b98be21…)
  {
    source: 'RFC 7914, c=1',
    password: 'passwd',
    stored: 'pbkdf2_sha256$1$salt$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw=',
  },
  {
    source: 'RFC 7914, c=80000',
    password: 'Password',
    stored: 'pbkdf2_sha256$80000$NaCl$TdzY9guYviGDDO5e8icB+WQaRBjQTAQUrv8Ih2s0q1Y=',
  },
];

/**
 * ASP.NET Core Identity's own tests, dotnet/aspnetcore
 * src/Identity/test/Identity.Test/PasswordHasherTest.cs at 03741a0a53c9 (password
 * "my password"): `HashPassword_Version2`, `HashPassword_Version3` and the
 * `VerifyHashedPassword_*_SuccessCases`.
 */
const aspnet: Vector[] = [
  {
    source: 'HashPassword_Version2 (v2: SHA1, 1000 iterations)',
    password: 'my password',
    stored: 'aspnet-identity:AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggHIVY0sdEUfdyeM+E1LtH1uJg==',
  },
  {
    source: 'SuccessCases v2',
    password: 'my password',
    stored: 'aspnet-identity:ANXrDknc7fGPpigibZXXZFMX4aoqz44JveK6jQuwY3eH/UyPhvr5xTPeGYEckLxz9A==',
  },
  {
    source: 'HashPassword_Version3 (v3: SHA256, 10000 iterations)',
    password: 'my password',
    stored:
      'aspnet-identity:AQAAAAEAACcQAAAAEAABAgMEBQYHCAkKCwwNDg+yWU7rLgUwPZb1Itsmra7cbxw2EFpwpVFIEtP+JIuUEw==',
  },
  {
    source: 'SuccessCases v3 SHA512, 50 iterations, 128-bit subkey',
    password: 'my password',
    stored: 'aspnet-identity:AQAAAAIAAAAyAAAAEOMwvh3+FZxqkdMBz2ekgGhwQ4B6pZWND6zgESBuWiHw',
  },
  {
    source: 'SuccessCases v3 SHA512, 250 iterations, 256-bit salt, 512-bit subkey',
    password: 'my password',
    stored:
      'aspnet-identity:AQAAAAIAAAD6AAAAIJbVi5wbMR+htSfFp8fTw8N8GOS/Sje+S/4YZcgBfU7EQuqv4OkVYmc4VJl9AGZzmRTxSkP7LtVi9IWyUxX8IAAfZ8v+ZfhjCcudtC1YERSqE1OEdXLW9VukPuJWBBjLuw==',
  },
  {
    source: 'SuccessCases v3 SHA1, 250 iterations',
    password: 'my password',
    stored: 'aspnet-identity:AQAAAAAAAAD6AAAAEAhftMyfTJylOlZT+eEotFXd1elee8ih5WsjXaR3PA9M',
  },
  {
    source: 'SuccessCases v3 SHA256, 250000 iterations, 256-bit salt',
    password: 'my password',
    stored:
      'aspnet-identity:AQAAAAEAA9CQAAAAIESkQuj2Du8Y+kbc5lcN/W/3NiAZFEm11P27nrSN5/tId+bR1SwV8CO1Jd72r4C08OLvplNlCDc3oQZ8efcW+jQ=',
  },
];

const verifier = new SchemeLegacyPasswordVerifier();

describe.each([
  ['bcrypt', bcrypt],
  ['argon2 PHC', argon2],
  ['Django PBKDF2', django],
  ['ASP.NET Identity', aspnet],
  ['hex digests', digests],
] as const)('%s: published vectors', (_scheme, vectors) => {
  it.each(vectors)('$source', async ({ password, stored }) => {
    expect(verifier.recognizes(stored)).toBe(true);
    expect((await verifier.verify(stored, password)).unwrap()).toBe(true);
    // prepended rather than appended: bcrypt ignores bytes past 72
    expect((await verifier.verify(stored, `X${password}`)).unwrap()).toBe(false);
  });
});

describe('weak vectors wrapped at rest (ADR 0009)', () => {
  it.each([...digests, ...plains])('$source $stored', async ({ password, stored }) => {
    const wrapped = (await verifier.wrap(stored)).unwrap();
    const scheme = stored.slice(0, stored.indexOf(':'));
    // nothing of the weak value is left in the wrapped one: past the fixed prefix there is
    // only the random salt and output (a short plain value could occur in those by chance)
    expect(wrapped).toMatch(
      new RegExp(
        `^wrapped-argon2id:${scheme}:\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+$`,
      ),
    );
    if (!wrapped) throw new Error('not wrapped');
    expect(verifier.recognizes(wrapped)).toBe(true);
    expect((await verifier.verify(wrapped, password)).unwrap()).toBe(true);
    expect((await verifier.verify(wrapped, `X${password}`)).unwrap()).toBe(false);
    expect((await verifier.wrap(wrapped)).unwrap()).toBeNull();
  });

  it('wraps the unsalted LDAP digests as the md5/sha1 digests they are; the salted ones stay', async () => {
    // passlib's ldap_md5 and ldap_sha1 vectors; scheme names in any case (RFC 2307)
    for (const [stored, scheme] of [
      ['{SHA}at+xg6SiyUovktq1redipHiJpaE=', 'sha1'],
      ['{sha}at+xg6SiyUovktq1redipHiJpaE=', 'sha1'],
      ['{MD5}/F4DjTilcDIIVEHn/nAQsA==', 'md5'],
    ] as const) {
      expect(isWeakLegacyHash(stored), stored).toBe(true);
      const wrapped = (await verifier.wrap(stored)).unwrap();
      expect(wrapped).toMatch(new RegExp(`^wrapped-argon2id:${scheme}:\\$argon2id\\$`));
      if (!wrapped) throw new Error('not wrapped');
      expect((await verifier.verify(wrapped, 'helloworld')).unwrap()).toBe(true);
      expect((await verifier.verify(wrapped, 'Xhelloworld')).unwrap()).toBe(false);
    }
    for (const salted of [
      '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
      '{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE=',
    ]) {
      expect(isWeakLegacyHash(salted)).toBe(false);
      expect((await verifier.wrap(salted)).unwrap()).toBeNull();
    }
  });

  it('wraps only weak schemes, and accepts only argon2id wrappers of known weak schemes', async () => {
    expect((await verifier.wrap(bcrypt[0]!.stored)).unwrap()).toBeNull();
    expect((await verifier.wrap('md5:not-hex')).unwrap()).toBeNull();
    const phc =
      '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA';
    expect(verifier.recognizes(`wrapped-argon2id:md5:${phc}`)).toBe(true);
    expect(verifier.recognizes(`wrapped-argon2id:crc32:${phc}`)).toBe(false);
    expect(verifier.recognizes(`wrapped-argon2id:md5:${phc.replace('argon2id', 'argon2i')}`)).toBe(
      false,
    );
    expect(verifier.recognizes('wrapped-argon2id:md5:')).toBe(false);
  });
});

describe('published negative vectors', () => {
  it('refuses the password a mismatching published hash was not made from', async () => {
    // phc-winner-argon2 src/test.c: "Handle an mismatching hash (the encoded password is \"passwore\")"
    const stored =
      '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$8iIuixkI73Js3G1uMbezQXD0b8LG4SXGsOwoQkdAQIM';
    expect((await verifier.verify(stored, 'password')).unwrap()).toBe(false);
  });

  // dotnet/aspnetcore PasswordHasherTest.cs `VerifyHashedPassword_FailureCases`: every
  // one must fail for "my password"; the truncated ones are not even a valid hash.
  it.each([
    [
      'v2 incorrect password',
      'AAABAgMEBQYHCAkKCwwNDg+uAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALtH1uJg==',
      true,
    ],
    ['v2 too short', 'AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggE=', false],
    [
      'v2 extra data at end',
      'AAABAgMEBQYHCAkKCwwNDg+ukCEMDf0yyQ29NYubggHIVY0sdEUfdyeM+E1LtH1uJgAAAAAAAAAAAAA=',
      false,
    ],
    ['v3 incorrect password', 'AQAAAAAAAAD6AAAAEAhftMyfTJyAAAAAAAAAAAAAAAAAAAih5WsjXaR3PA9M', true],
    ['v3 too short', 'AQAAAAIAAAAyAAAAEOMwvh3+FZxqkdMBz2ekgGhwQ4A=', false],
  ] as const)('ASP.NET Identity %s', async (_case, base64, recognized) => {
    const stored = `aspnet-identity:${base64}`;
    expect(verifier.recognizes(stored)).toBe(recognized);
    expect((await verifier.verify(stored, 'my password')).unwrap()).toBe(false);
  });

  it('ASP.NET Identity v3 with extra data at the end never verifies', async () => {
    const stored =
      'aspnet-identity:AQAAAAIAAAAyAAAAEOMwvh3+FZxqkdMBz2ekgGhwQ4B6pZWND6zgESBuWiHwAAAAAAAAAAAA';
    expect((await verifier.verify(stored, 'my password')).unwrap()).toBe(false);
  });

  it.each([
    // passlib test_handlers_bcrypt.py `known_unidentified_hashes` / `known_malformed_hashes`
    '$2f$12$EXRkfkdmXnagzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q', // invalid minor version
    '$2a$12$EXRkfkdmXn!gzds2SSitu.MW9.gAVqa9eLS1//RYtYCmB1eLHg.9q', // bad character
    '$2a$6$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.', // cost not zero-padded
    // phc-winner-argon2 src/test.c invalid encodings (a missing `$`, an empty salt)
    '$argon2i$v=19$m=65536,t=2,p=1c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA',
    '$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQwWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA',
    '$argon2i$v=19$m=65536,t=2,p=1$$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ',
    // Django's own argon2 wrapper is not a PHC string (the prefix must be stripped)
    'argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q',
    // the test suite's argon2 vector with 1 GiB of memory: past our 256 MiB cap
    '$argon2i$v=19$m=1048576,t=2,p=1$c29tZXNhbHQ$0Vh6ygkiw7XWqD7asxvuPE667zQu1hJ6VdGbI1GtH0E',
  ])('%s is not a hash we accept', async (stored) => {
    expect(verifier.recognizes(stored)).toBe(false);
    expect((await verifier.verify(stored, 'password')).unwrap()).toBe(false);
  });
});

describe('slow schemes share a bounded queue', () => {
  it('answers busy past the queue for bcrypt, argon2 and PBKDF2, never for digests', async () => {
    const tiny = new SchemeLegacyPasswordVerifier({ concurrency: 1, maxQueue: 1 });
    const [first, second, refused] = [
      tiny.verify(bcrypt[0]!.stored, bcrypt[0]!.password),
      tiny.verify(argon2[0]!.stored, argon2[0]!.password),
      tiny.verify(django[4]!.stored, django[4]!.password),
    ];
    // digests are cheap: they never wait in (or fill) the queue
    const digest = await tiny.verify(digests[0]!.stored, digests[0]!.password);
    expect(digest.unwrap()).toBe(true);
    const busy = await refused;
    expect(busy.isErr() && busy.error.code).toBe('busy');
    expect((await first).unwrap()).toBe(true);
    expect((await second).unwrap()).toBe(true);
    // room again once the queue drained
    expect((await tiny.verify(django[4]!.stored, django[4]!.password)).unwrap()).toBe(true);
  });
});
