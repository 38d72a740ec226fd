/**
 * crypt_blowfish's `$2x$`: hashes made before its 2011 fix, which sign-extended every
 * password byte >= 0x80 while packing the key into 18 big-endian 32-bit words (the
 * `BF_set_key` "bug" branch of crypt_blowfish 1.2+). Only that key schedule differs;
 * the rest is standard bcrypt. So we compute the 18 words the buggy schedule made and
 * hand them, as exactly 72 bytes, to a standard bcrypt: it packs 72 bytes into the same
 * 18 words (its NUL terminator falls past byte 72 and is cut), and the hash matches.
 * For a password of ASCII bytes the words are the standard ones: `$2x$` equals `$2a$`.
 */
export function bcrypt2xKey(password: Buffer): Buffer {
  // the C string: the password, its NUL, cycled; crypt_blowfish reads at most 72 bytes
  const bytes = Buffer.concat([password.subarray(0, 72), Buffer.alloc(1)]);
  const key = Buffer.alloc(72);
  let at = 0;
  for (let word = 0; word < 18; word++) {
    let value = 0;
    for (let j = 0; j < 4; j++) {
      const byte = bytes[at]!;
      // (BF_word_signed)(signed char)byte: a high byte ORs 0xffffff into the upper bits
      value = ((value << 8) | (byte >= 0x80 ? byte | 0xffffff00 : byte)) >>> 0;
      at = byte === 0 ? 0 : at + 1;
    }
    key.writeUInt32BE(value, word * 4);
  }
  return key;
}
