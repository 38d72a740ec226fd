import { describe, expect, it } from 'vitest';
import { validateImportRow } from '../../src/use-cases/import-legacy-accounts.js';

const reasonFor = (password_hash: string) => {
  const checked = validateImportRow(
    { line: 7, customer_number: '1', username: 'u', email: '', password_hash },
    () => false,
  );
  return checked.ok ? null : checked.rejected.reason;
};

describe('an unreadable password_hash: the reason names its scheme, never a piece of the hash', () => {
  it.each([
    ['rot13:abc', 'unknown or malformed password_hash scheme "rot13"'],
    ['md5:not-hex', 'unknown or malformed password_hash scheme "md5"'],
    ['{SSHA256}0c0blFTXXNuAMHECS4uxrj3Z', 'unknown or malformed password_hash scheme "{SSHA256}"'],
    ['$2z$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9', 'unknown or malformed password_hash scheme "$2z$"'],
    ['bcrypt_sha256$$2b$12$abc', 'unknown or malformed password_hash scheme "bcrypt_sha256"'],
    // a raw digest without a prefix: nothing of it is echoed
    [
      '5f4dcc3b5aa765d61d8327deb882cf99',
      'unknown or malformed password_hash (no scheme named: raw values need a prefix such as md5:)',
    ],
  ])('%s', (hash, reason) => {
    expect(reasonFor(hash)).toBe(reason);
  });
});

describe('validateImportRow: what a row becomes', () => {
  const md5 = 'md5:5f4dcc3b5aa765d61d8327deb882cf99';
  const knows = (hash: string) => hash === md5;
  const check = (fields: Record<string, string | undefined>) =>
    validateImportRow(
      {
        line: 3,
        customer_number: '7',
        username: 'u',
        email: 'u@x.mx',
        password_hash: md5,
        ...fields,
      } as Parameters<typeof validateImportRow>[0],
      knows,
    );

  it('a label is only a prefix: a scheme named inside the hash is not echoed', () => {
    for (const hash of ['zz{SSHA}abc', '!!rot13:abc', '#$2z$05$abc'])
      expect(check({ password_hash: hash })).toEqual({
        ok: false,
        rejected: {
          line: 3,
          reason:
            'unknown or malformed password_hash (no scheme named: raw values need a prefix such as md5:)',
        },
      });
  });

  it('spaces around the hash and the email are not part of them', () => {
    expect(check({ password_hash: ` ${md5}\t`, email: '  u@x.mx ' })).toEqual({
      ok: true,
      row: {
        line: 3,
        customerNumber: '7',
        username: 'u',
        email: 'u@x.mx',
        emailValid: true,
        passwordHash: md5,
      },
    });
  });

  it('no email, or one that is not an address: kept as it is, never valid', () => {
    expect(check({ email: '' })).toMatchObject({
      ok: true,
      row: { email: null, emailValid: false },
    });
    expect(check({ email: '   ' })).toMatchObject({
      ok: true,
      row: { email: null, emailValid: false },
    });
    expect(check({ email: 'malo@' })).toMatchObject({
      ok: true,
      row: { email: 'malo@', emailValid: false },
    });
  });

  it('a row missing fields (a caller in plain JavaScript) is rejected with a reason, never thrown', () => {
    expect(check({ customer_number: undefined })).toEqual({
      ok: false,
      rejected: { line: 3, reason: 'invalid customer_number ""' },
    });
    expect(check({ username: undefined })).toEqual({
      ok: false,
      rejected: { line: 3, reason: 'invalid username ""' },
    });
    expect(check({ password_hash: undefined })).toEqual({
      ok: false,
      rejected: { line: 3, reason: 'missing password_hash' },
    });
    expect(check({ email: undefined })).toMatchObject({
      ok: true,
      row: { email: null, emailValid: false },
    });
  });

  it("a line's digest is stored with its email's class in the last two bits", () => {
    const digest = [0x12345678, 0xabcdef00] as const;
    const row = (email: string) => {
      const r = validateImportRow(
        { line: 3, customer_number: '7', username: 'u', email, password_hash: md5, digest },
        knows,
      );
      return r.ok ? r.row.digest : undefined;
    };
    expect(row('')).toEqual([0x12345678, 0xabcdef00]);
    expect(row('malo@')).toEqual([0x12345678, 0xabcdef01]);
    expect(row('u@x.mx')).toEqual([0x12345678, 0xabcdef02]);
  });
});
