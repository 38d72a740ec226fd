import { describe, expect, it } from 'vitest';
import { bcrypt2xKey } from '../src/crypto/bcrypt-2x.js';
import { MAX_PHPASS_LOG2, MAX_SHA_CRYPT_ROUNDS } from '../src/crypto/crypt-schemes.js';
import { SchemeLegacyPasswordVerifier } from '../src/crypto/legacy-password-verifier.js';
import type { Vector } from './weak-vectors.js';

/**
 * The Unix, PHP and LDAP schemes of ADR 0005 against hashes published by the projects
 * or specifications that define them, copied verbatim (each group names its source).
 * Each must verify with its password and fail with a changed one.
 */
/** passlib's UPASS_TABLE (passlib/tests/test_handlers.py): checks the password is UTF-8 encoded. */
const UPASS_TABLE = 't\u00e1\u0411\u2113\u0259';

// passlib, passlib/tests/test_handlers.py `md5_crypt_test.known_correct_hashes`
const md5Crypt: Vector[] = [
  {
    source: 'passlib md5_crypt, empty',
    password: '',
    stored: '$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o.',
  },
  {
    source: 'passlib md5_crypt, space',
    password: ' ',
    stored: '$1$m/5ee7ol$bZn0kIBFipq39e.KDXX8I0',
  },
  { source: 'passlib md5_crypt', password: 'test', stored: '$1$ec6XvcoW$ghEtNK2U1MC5l.Dwgi3020' },
  {
    source: 'passlib md5_crypt',
    password: 'Compl3X AlphaNu3meric',
    stored: '$1$nX1e7EeI$ljQn72ZUgt6Wxd9hfvHdV0',
  },
  {
    source: 'passlib md5_crypt',
    password: '4lpHa N|_|M3r1K W/ Cur5Es: #$%(*)(*%#',
    stored: '$1$jQS7o98J$V6iTcr71CGgwW2laf17pi1',
  },
  { source: 'passlib md5_crypt', password: 'test', stored: '$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1' },
];

// Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512" (akkadia.org/drepper/SHA-crypt.txt),
// the specification's own test vectors (tests2[] of sha256crypt.c and sha512crypt.c), in
// the form crypt() returns them: salts cut to 16 characters, rounds below 1000 raised.
const sha256Crypt: Vector[] = [
  {
    source: 'SHA-crypt spec, default rounds',
    password: 'Hello world!',
    stored: '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
  },
  {
    source: 'SHA-crypt spec, rounds=10000',
    password: 'Hello world!',
    stored: '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA',
  },
  {
    source: 'SHA-crypt spec, rounds=5000 written out',
    password: 'This is just a test',
    stored: '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5',
  },
  {
    source: 'SHA-crypt spec, long password',
    password:
      'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    stored: '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1',
  },
  {
    source: 'SHA-crypt spec, rounds=77777, short salt',
    password: 'we have a short salt string but not a short password',
    stored: '$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/',
  },
  {
    source: 'SHA-crypt spec, rounds=123456',
    password: 'a short string',
    stored: '$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD',
  },
  {
    source: 'SHA-crypt spec, rounds=10 raised to 1000',
    password: 'the minimum number is still observed',
    stored: '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC',
  },
  {
    source: 'SHA-crypt spec, rounds=10 as the input wrote it',
    password: 'the minimum number is still observed',
    stored: '$5$rounds=10$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC',
  },
];

const sha512Crypt: Vector[] = [
  {
    source: 'SHA-crypt spec, default rounds',
    password: 'Hello world!',
    stored:
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
  },
  {
    source: 'SHA-crypt spec, rounds=10000',
    password: 'Hello world!',
    stored:
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
  },
  {
    source: 'SHA-crypt spec, rounds=5000 written out',
    password: 'This is just a test',
    stored:
      '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0',
  },
  {
    source: 'SHA-crypt spec, long password',
    password:
      'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    stored:
      '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1',
  },
  {
    source: 'SHA-crypt spec, rounds=77777, short salt',
    password: 'we have a short salt string but not a short password',
    stored:
      '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0',
  },
  {
    source: 'SHA-crypt spec, rounds=123456',
    password: 'a short string',
    stored:
      '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1',
  },
  {
    source: 'SHA-crypt spec, rounds=10 raised to 1000',
    password: 'the minimum number is still observed',
    stored:
      '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.',
  },
];

// passlib, passlib/tests/test_handlers.py `phpass_test.known_correct_hashes`; the first is
// also Openwall phpass's own test.php ("A correct portable hash for 'test12345'")
const phpass: Vector[] = [
  {
    source: 'Openwall phpass test.php',
    password: 'test12345',
    stored: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0',
  },
  {
    source: 'passlib phpass ($H$, phpBB)',
    password: 'test1',
    stored: '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00',
  },
  {
    source: 'passlib phpass ($H$, phpBB)',
    password: '123456',
    stored: '$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1',
  },
  {
    source: 'passlib phpass ($H$, phpBB)',
    password: '123456',
    stored: '$H$9pdx7dbOW3Nnt32sikrjAxYFjX8XoK1',
  },
  {
    source: 'passlib phpass',
    password: 'thisisalongertestPW',
    stored: '$P$912345678LIjjb6PhecupozNBmDndU0',
  },
  {
    source: 'passlib phpass (JtR)',
    password: 'JohnRipper',
    stored: '$P$612345678si5M0DDyPpmRCmcltU/YW/',
  },
  {
    source: 'passlib phpass (JtR)',
    password: 'JohnRipper',
    stored: '$H$712345678WhEyvy1YWzT4647jzeOmo0',
  },
  {
    source: 'passlib phpass (JtR)',
    password: 'JohnRipper',
    stored: '$P$B12345678L6Lpt4BxNotVIMILOa9u81',
  },
  { source: 'passlib phpass, empty', password: '', stored: '$P$7JaFQsPzJSuenezefD/3jHgt5hVfNH0' },
  {
    source: 'passlib phpass, 2^17 iterations',
    password: 'compL3X!',
    stored: '$P$FiS0N5L672xzQx1rt1vgdJQRYKnQM9/',
  },
  {
    source: 'passlib phpass (UTF-8)',
    password: UPASS_TABLE,
    stored: '$P$7SMy8VxnfsIy2Sxm7fJxDSdil.h7TW.',
  },
];

// passlib, passlib/tests/test_handlers.py: `ldap_md5`, `ldap_sha1`, `ldap_salted_md5`,
// `ldap_salted_sha1` and `ldap_md5_crypt` (the `{CRYPT}` wrapper over md5-crypt)
const ldap: Vector[] = [
  { source: 'passlib ldap_md5', password: 'helloworld', stored: '{MD5}/F4DjTilcDIIVEHn/nAQsA==' },
  {
    source: 'passlib ldap_sha1',
    password: 'helloworld',
    stored: '{SHA}at+xg6SiyUovktq1redipHiJpaE=',
  },
  {
    source: 'passlib ldap_salted_md5',
    password: 'testing1234',
    stored: '{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE=',
  },
  {
    source: 'passlib ldap_salted_sha1',
    password: 'testing123',
    stored: '{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
  },
  {
    source: 'passlib ldap_salted_sha1',
    password: 'secret',
    stored: '{SSHA}0H+zTv8o4MR4H43n03eCsvw1luG8LdB7',
  },
  {
    source: 'passlib ldap_md5_crypt',
    password: '',
    stored: '{CRYPT}$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o.',
  },
  {
    source: 'passlib ldap_md5_crypt',
    password: 'test',
    stored: '{CRYPT}$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1',
  },
  {
    source: 'passlib ldap_md5_crypt (UTF-8)',
    password: UPASS_TABLE,
    stored: '{CRYPT}$1$d6/Ky1lU$/xpf8m7ftmWLF.TjHCqel0',
  },
  // {CRYPT} over the other crypt strings this import reads (the vectors above, wrapped)
  {
    source: '{CRYPT} + SHA-crypt spec sha512',
    password: 'Hello world!',
    stored:
      '{CRYPT}$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
  },
  {
    source: '{crypt} (any case) + SHA-crypt spec sha256',
    password: 'Hello world!',
    stored: '{crypt}$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
  },
  {
    source: '{CRYPT} + PHP manual bcrypt $2y$',
    password: 'rasmuslerdorf',
    stored: '{CRYPT}$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq',
  },
];

// Openwall crypt_blowfish 1.3, wrapper.c `tests[]` (also in passlib's test_handlers_bcrypt):
// "\xd1\x91" is the UTF-8 of "ё"
const bcrypt2x: Vector[] = [
  {
    source: 'crypt_blowfish wrapper.c, $2x$ of "\\xd1\\x91"',
    password: '\u0451',
    stored: '$2x$05$6bNw2HLQYeqHYyBfLMsv/OiwqTymGIGzFsA4hOTWebfehXHNprcAS',
  },
  {
    source: 'crypt_blowfish wrapper.c "U*U" as $2x$ (ASCII: $2x$ equals $2a$)',
    password: 'U*U',
    stored: '$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
  },
];

const verifier = new SchemeLegacyPasswordVerifier();

describe.each([
  ['md5-crypt $1$', md5Crypt],
  ['sha256-crypt $5$', sha256Crypt],
  ['sha512-crypt $6$', sha512Crypt],
  ['phpass $P$ / $H$', phpass],
  ['LDAP {MD5} {SHA} {SMD5} {SSHA} {CRYPT}', ldap],
  ['bcrypt $2x$', bcrypt2x],
] as const)('%s: published vectors', (_scheme, vectors) => {
  it.each(vectors)('$source: $stored', async ({ password, stored }) => {
    expect(verifier.recognizes(stored)).toBe(true);
    expect((await verifier.verify(stored, password)).unwrap()).toBe(true);
    // a changed password on the longest sha-crypt vectors costs seconds and shows nothing new
    if (Number(/rounds=(\d+)/.exec(stored)?.[1] ?? 0) < 50_000)
      expect((await verifier.verify(stored, `X${password}`)).unwrap()).toBe(false);
  });
});

describe('crypt_blowfish $2x$ key schedule on raw bytes (wrapper.c vectors)', () => {
  // crypt_blowfish wrapper.c: each $2x$ line verifies its bytes; `\xa3` and `\xff\xff\xa3`
  // collide under the bug (the reason $2y$ exists)
  it.each([
    ['\\xa3', Buffer.from([0xa3]), '$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e'],
    [
      '\\xff\\xff\\xa3',
      Buffer.from([0xff, 0xff, 0xa3]),
      '$2x$05$/OK.fbVrR/bpIqNJ5ianF.CE5elHaaO4EbggVDjb8P19RukzXSM3e',
    ],
    [
      '1\\xa3345',
      Buffer.from([0x31, 0xa3, 0x33, 0x34, 0x35]),
      '$2x$05$/OK.fbVrR/bpIqNJ5ianF.o./n25XVfn6oAPaUvHe.Csk4zRfsYPi',
    ],
    [
      '\\xd0\\xc1\\xd2\\xcf\\xcc\\xd8',
      Buffer.from([0xd0, 0xc1, 0xd2, 0xcf, 0xcc, 0xd8]),
      '$2x$05$6bNw2HLQYeqHYyBfLMsv/O9LIGgn8OMzuDoHfof8AQimSGfcSWxnS',
    ],
  ])('%s', async (_name, bytes, stored) => {
    const { verify } = await import('@node-rs/bcrypt');
    expect(await verify(bcrypt2xKey(bytes), `$2b$${stored.slice(4)}`)).toBe(true);
    expect(await verify(bcrypt2xKey(Buffer.from('x')), `$2b$${stored.slice(4)}`)).toBe(false);
  });
});

describe('bounds and malformed values', () => {
  it(`accepts sha-crypt up to rounds=${MAX_SHA_CRYPT_ROUNDS} and phpass up to 2^${MAX_PHPASS_LOG2}, no more`, () => {
    const sha512Hash = sha512Crypt[0]!.stored.slice('$6$saltstring$'.length);
    expect(verifier.recognizes(`$6$rounds=${MAX_SHA_CRYPT_ROUNDS}$salt$${sha512Hash}`)).toBe(true);
    expect(verifier.recognizes(`$6$rounds=${MAX_SHA_CRYPT_ROUNDS + 1}$salt$${sha512Hash}`)).toBe(
      false,
    );
    // the spec's maximum: an hour of one core per sign-in
    expect(verifier.recognizes(`$6$rounds=999999999$salt$${sha512Hash}`)).toBe(false);
    const itoa = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const phpassWith = (log2: number) => `$P$${itoa[log2]}12345678L6Lpt4BxNotVIMILOa9u81`;
    expect(verifier.recognizes(phpassWith(MAX_PHPASS_LOG2))).toBe(true);
    expect(verifier.recognizes(phpassWith(MAX_PHPASS_LOG2 + 1))).toBe(false);
    expect(verifier.recognizes(phpassWith(6))).toBe(false); // below phpass's own minimum
  });

  it.each([
    // passlib known_malformed_hashes: a bad character in an otherwise correct hash
    '$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o!',
    '{CRYPT}$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o!',
    '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r!L0',
    // wrong lengths: a sha256-crypt hash under $6$, a sha512 one under $5$
    '$6$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
    `$5$saltstring$${sha512Crypt[0]!.stored.slice('$6$saltstring$'.length)}`,
    // a salt past 16 characters is cut by crypt(); a stored one never has it
    '$5$saltstringsaltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
    '$5$rounds=$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
    // LDAP: a digest of the wrong size, bad base64, a scheme we do not read, nothing salted
    '{SHA}/F4DjTilcDIIVEHn/nAQsA==',
    '{MD5}not base64!',
    '{SSHA}at+xg6SiyUovktq1redipHiJpaE=',
    '{SSHA256}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr',
    '{CLEARTEXT}password',
    '{CRYPT}',
    // {CRYPT} with a traditional DES crypt string: 8-character passwords, not read (ADR 0005)
    '{CRYPT}N1tQbOFcM5fpg',
  ])('%s is not a hash we accept', async (stored) => {
    expect(verifier.recognizes(stored)).toBe(false);
    expect((await verifier.verify(stored, 'password')).unwrap()).toBe(false);
  });
});

describe('sha-crypt at the bound keeps the event loop turning', () => {
  it('a timer fires while a sha256-crypt of 77,777 rounds is verified', async () => {
    const vector = sha256Crypt[4]!;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const ok = await verifier.verify(vector.stored, vector.password);
    clearInterval(timer);
    expect(ok.unwrap()).toBe(true);
    expect(ticks).toBeGreaterThan(2);
  });
});
