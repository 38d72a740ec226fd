import { describe, expect, it } from 'vitest';
import { createRenueva } from '../src/index.js';

/**
 * Each Unix, PHP and LDAP format of ADR 0005, imported and signed in with through the
 * use cases (the composition root's real verifier): the right legacy password starts
 * the renewal, a wrong one gets the one generic answer. One published vector per
 * format; `crypto-crypt-vectors.test.ts` has them all, with their sources.
 */
const formats = [
  // passlib test_handlers.py md5_crypt
  ['md5-crypt', 'test', '$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1'],
  // Drepper's SHA-crypt specification, tests2[]
  ['sha256-crypt', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  [
    'sha512-crypt rounds=',
    'Hello world!',
    '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
  ],
  // Openwall phpass test.php; passlib phpass ($H$)
  ['phpass $P$', 'test12345', '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0'],
  ['phpass $H$', 'test1', '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00'],
  // passlib test_handlers.py ldap_* handlers
  ['LDAP {SSHA}', 'secret', '{SSHA}0H+zTv8o4MR4H43n03eCsvw1luG8LdB7'],
  ['LDAP {SHA}', 'helloworld', '{SHA}at+xg6SiyUovktq1redipHiJpaE='],
  ['LDAP {SMD5}', 'testing1234', '{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE='],
  ['LDAP {MD5}', 'helloworld', '{MD5}/F4DjTilcDIIVEHn/nAQsA=='],
  ['LDAP {CRYPT}', 'test', '{CRYPT}$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1'],
  // Openwall crypt_blowfish wrapper.c; the PHP manual's password_verify example
  ['bcrypt $2x$', '\u0451', '$2x$05$6bNw2HLQYeqHYyBfLMsv/OiwqTymGIGzFsA4hOTWebfehXHNprcAS'],
  ['bcrypt $2y$', 'rasmuslerdorf', '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq'],
] as const;

const context = { ip: null, userAgent: null };

describe('legacy formats through import and sign-in (use cases, memory store)', () => {
  it('imports every format and each legacy password starts its renewal; a wrong one does not', async () => {
    const r = await createRenueva({ STORE: 'memory', LOG_LEVEL: 'silent' });
    try {
      async function* rows() {
        for (const [i, [, , hash]] of formats.entries())
          yield {
            line: i + 2,
            customer_number: String(8_100_000 + i),
            username: `formato${i}`,
            email: `formato${i}@example.mx`,
            password_hash: hash,
          };
      }
      const imported = await r.useCases.importLegacyAccounts({ rows: rows(), dryRun: false });
      expect(imported.rejected).toEqual([]);
      expect(imported.inserted).toBe(formats.length);
      for (const [i, [name, password]] of formats.entries()) {
        const wrong = await r.useCases.logIn({
          identifier: `formato${i}`,
          password: `${password}!`,
          context,
        });
        expect(wrong.isErr() && wrong.error.code, name).toBe('invalid_credentials');
        const right = await r.useCases.logIn({ identifier: `formato${i}`, password, context });
        expect(right.isOk() && right.value.kind, name).toBe('renewal_started');
      }
    } finally {
      await r.close();
    }
  }, 60_000);
});
