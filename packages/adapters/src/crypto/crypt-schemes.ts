import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * The Unix/PHP crypt schemes whose loops are plain MD5/SHA-2 (ADR 0005 says why these
 * are written here): md5-crypt `$1$` (Poul-Henning Kamp, FreeBSD), sha256-crypt `$5$`
 * and sha512-crypt `$6$` (Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512"), and
 * phpass portable hashes `$P$`/`$H$` (Solar Designer, PasswordHash.php). Each computes
 * the full crypt string for a stored one's settings; the caller compares in constant
 * time. Long loops yield to the event loop so a sign-in never freezes the portal.
 */

/** The crypt alphabet (not RFC 4648 base64: a different order, and little-endian groups). */
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Rounds between two yields to the event loop (about a millisecond of hashing). */
const YIELD_EVERY = 256;

/** sha-crypt: the spec's default, its floor (lower values are raised to it) and our bound. */
export const SHA_CRYPT_DEFAULT_ROUNDS = 5000;
const SHA_CRYPT_MIN_ROUNDS = 1000;
/**
 * The most `rounds=` we verify: passlib's defaults (535,000 for `$5$`, 656,000 for `$6$`)
 * fit; the spec's 999,999,999 would take one core for an hour. See ADR 0005.
 */
export const MAX_SHA_CRYPT_ROUNDS = 700_000;
/** phpass: 2^7..2^30 in the format; we verify at most 2^18 MD5 iterations (WordPress: 2^13). */
export const MAX_PHPASS_LOG2 = 18;
const MIN_PHPASS_LOG2 = 7;

/** Groups of three bytes, most significant first, written as four crypt characters. */
function encode24(bytes: Buffer, groups: readonly (readonly [number, number, number])[]): string {
  let out = '';
  for (const [a, b, c] of groups) {
    let w = (bytes[a]! << 16) | (bytes[b]! << 8) | bytes[c]!;
    for (let n = 0; n < 4; n++) {
      out += ITOA64[w & 0x3f];
      w >>>= 6;
    }
  }
  return out;
}

/** The last, partial group: `n` characters of the given bytes. */
function encodeTail(value: number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[value & 0x3f];
    value >>>= 6;
  }
  return out;
}

const MD5_CRYPT_ORDER = [
  [0, 6, 12],
  [1, 7, 13],
  [2, 8, 14],
  [3, 9, 15],
  [4, 10, 5],
] as const;

const SHA256_CRYPT_ORDER = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
] as const;

const SHA512_CRYPT_ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
] as const;

/** `$1$<salt>$<22 chars>`: salt 0-8 characters. */
export const MD5_CRYPT = /^\$1\$([^$:\s]{0,8})\$([./0-9A-Za-z]{22})$/;
/** `$5$` / `$6$`, optional `rounds=N$`, salt 0-16 characters, 43 / 86 characters of hash. */
export const SHA_CRYPT =
  /^\$([56])\$(?:rounds=([0-9]{1,9})\$)?([^$:\s]{0,16})\$([./0-9A-Za-z]{43}|[./0-9A-Za-z]{86})$/;
/** `$P$` or `$H$`, one character of log2(iterations), 8 of salt, 22 of hash. */
export const PHPASS = /^\$([PH])\$([./0-9A-Za-z])([./0-9A-Za-z]{8})([./0-9A-Za-z]{22})$/;

/** md5-crypt of `password` with the salt of a stored `$1$` string: the whole crypt string. */
export async function md5Crypt(password: Buffer, salt: string): Promise<string> {
  const md5 = () => createHash('md5');
  const s = Buffer.from(salt, 'utf8');
  const alternate = md5().update(password).update(s).update(password).digest();
  const ctx = md5().update(password).update('$1$').update(s);
  for (let left = password.length; left > 0; left -= 16)
    ctx.update(alternate.subarray(0, Math.min(16, left)));
  // the C original reads password[0] for a 0 bit; for the empty password that is its NUL
  const first = password.subarray(0, 1).length ? password.subarray(0, 1) : Buffer.alloc(1);
  for (let i = password.length; i; i >>>= 1) ctx.update(i & 1 ? Buffer.alloc(1) : first);
  let final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const round = md5();
    round.update(i & 1 ? password : final);
    if (i % 3) round.update(s);
    if (i % 7) round.update(password);
    round.update(i & 1 ? final : password);
    final = round.digest();
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await nextTurn();
  }
  return `$1$${salt}$${encode24(final, MD5_CRYPT_ORDER)}${encodeTail(final[11]!, 2)}`;
}

/** `n` bytes of `block` repeated. */
function repeatTo(block: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += block.length) block.copy(out, i, 0, Math.min(block.length, n - i));
  return out;
}

/**
 * sha256-crypt / sha512-crypt of `password` with a stored string's settings: the whole
 * crypt string, with `rounds=` written back when the stored one had it (raised to the
 * spec's floor of 1000, as glibc does).
 */
export async function shaCrypt(
  variant: '5' | '6',
  password: Buffer,
  salt: string,
  rounds: number | null,
): Promise<string> {
  const algorithm = variant === '5' ? 'sha256' : 'sha512';
  const hash = () => createHash(algorithm);
  const s = Buffer.from(salt, 'utf8');
  const effectiveRounds =
    rounds === null ? SHA_CRYPT_DEFAULT_ROUNDS : Math.max(SHA_CRYPT_MIN_ROUNDS, rounds);

  const b = hash().update(password).update(s).update(password).digest();
  const a = hash().update(password).update(s).update(repeatTo(b, password.length));
  for (let i = password.length; i > 0; i >>>= 1) a.update(i & 1 ? b : password);
  const aDigest = a.digest();

  const dp = hash();
  for (let i = 0; i < password.length; i++) dp.update(password);
  const p = repeatTo(dp.digest(), password.length);
  const ds = hash();
  for (let i = 0; i < 16 + aDigest[0]!; i++) ds.update(s);
  const sBytes = repeatTo(ds.digest(), s.length);

  let c = aDigest;
  for (let i = 0; i < effectiveRounds; i++) {
    const round = hash();
    round.update(i & 1 ? p : c);
    if (i % 3) round.update(sBytes);
    if (i % 7) round.update(p);
    round.update(i & 1 ? c : p);
    c = round.digest();
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await nextTurn();
  }
  const encoded =
    variant === '5'
      ? encode24(c, SHA256_CRYPT_ORDER) + encodeTail((c[31]! << 8) | c[30]!, 3)
      : encode24(c, SHA512_CRYPT_ORDER) + encodeTail(c[63]!, 2);
  const settings = rounds === null ? '' : `rounds=${effectiveRounds}$`;
  return `$${variant}$${settings}${salt}$${encoded}`;
}

/** phpass's own little-endian encoding of the MD5 output (PasswordHash.php `encode64`). */
function phpassEncode(input: Buffer): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    let value = input[i++]!;
    out += ITOA64[value & 0x3f];
    if (i < input.length) value |= input[i]! << 8;
    out += ITOA64[(value >> 6) & 0x3f];
    if (i++ >= input.length) break;
    if (i < input.length) value |= input[i]! << 16;
    out += ITOA64[(value >> 12) & 0x3f];
    if (i++ >= input.length) break;
    out += ITOA64[(value >> 18) & 0x3f];
  }
  return out;
}

/** The iteration count's log2 a phpass string names, or null outside 7..MAX_PHPASS_LOG2. */
export function phpassLog2(countChar: string): number | null {
  const log2 = ITOA64.indexOf(countChar);
  return log2 >= MIN_PHPASS_LOG2 && log2 <= MAX_PHPASS_LOG2 ? log2 : null;
}

/** phpass portable hash of `password` with a stored `$P$`/`$H$` string's settings. */
export async function phpass(password: Buffer, settings: string): Promise<string> {
  const log2 = phpassLog2(settings[3] ?? '');
  if (log2 === null) throw new Error('phpass iteration count out of bounds');
  const salt = settings.slice(4, 12);
  let hash = createHash('md5').update(salt, 'utf8').update(password).digest();
  for (let count = 1 << log2, i = 1; count > 0; count--, i++) {
    hash = createHash('md5').update(hash).update(password).digest();
    if (i % (YIELD_EVERY * 4) === 0) await nextTurn();
  }
  return settings.slice(0, 12) + phpassEncode(hash);
}
