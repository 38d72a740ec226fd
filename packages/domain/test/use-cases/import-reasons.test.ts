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
