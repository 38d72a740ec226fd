/** A published hash: where it comes from, the password, and the value as we store it. */
export interface Vector {
  source: string;
  password: string;
  stored: string;
}

/** Published vectors of the weak schemes (hex digests), with our `md5:`/`sha1:`/`sha256:` prefix. */
export const digests: Vector[] = [
  // RFC 1321 appendix A.5 (MD5 test suite)
  { source: 'RFC 1321 A.5', password: 'abc', stored: 'md5:900150983cd24fb0d6963f7d28e17f72' },
  {
    source: 'RFC 1321 A.5',
    password: 'message digest',
    stored: 'md5:f96b697d7cb7938d525a2f31aaf161d0',
  },
  // RFC 3174 section 7.3, TEST1 (printed there in upper case: hex is case-insensitive)
  {
    source: 'RFC 3174 TEST1',
    password: 'abc',
    stored: 'sha1:A9993E364706816ABA3E25717850C26C9CD0D89D',
  },
  // FIPS 180-2 appendix B.1 / B.2 (also RFC 6234 section 8.5, TEST1 and TEST2)
  {
    source: 'FIPS 180-2 B.1',
    password: 'abc',
    stored: 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  },
  {
    source: 'FIPS 180-2 B.2',
    password: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    stored: 'sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  // Django, tests/auth_tests/test_hashers.py `test_unsalted_md5` and `test_unsalted_sha1`
  // (plain hex digests of the UTF-8 password, non-ASCII)
  {
    source: 'Django test_unsalted_md5',
    password: 'lètmein',
    stored: 'md5:88a434c88cca4e900f7874cd98123f43',
  },
  {
    source: 'Django test_unsalted_sha1',
    password: 'lètmein',
    stored: 'sha1:6d138ca3ae545631b3abd71a4f076ce759c5700b',
  },
];

/** Clear text has no published vectors: the digests' passwords, stored as `plain:`. */
export const plains: Vector[] = [...new Set(digests.map((v) => v.password))].map((password) => ({
  source: 'clear text',
  password,
  stored: `plain:${password}`,
}));
