import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Err,
  type HasherBusy,
  type LegacyPasswordVerifier,
  Ok,
  type Result,
} from '@renueva/domain';
import { bcrypt2xKey } from './bcrypt-2x.js';
import {
  MAX_SHA_CRYPT_ROUNDS,
  MD5_CRYPT,
  md5Crypt,
  PHPASS,
  phpass,
  phpassLog2,
  SHA_CRYPT,
  SHA_CRYPT_DEFAULT_ROUNDS,
  shaCrypt,
} from './crypt-schemes.js';
import type { PasswordJob } from './password-threads.js';
import { type LimiterOptions, WorkLimiter } from './work-limiter.js';

/**
 * Bounds on work factors read from imported hashes, checked at import and again at every
 * verification: a hostile or absurd row (bcrypt cost 31, PBKDF2 with millions of
 * iterations) must not make one sign-in burn the CPU for minutes. Each bound is about a
 * second or two of one core at most (ADR 0005 has the measurements).
 */
export const MAX_BCRYPT_COST = 14;
export const MAX_PBKDF2_ITERATIONS = 1_200_000;
const MAX_ARGON2_MEMORY_KIB = 262_144;
const MAX_ARGON2_TIME = 10;
/** The longest salt we read after an LDAP `{SSHA}`/`{SMD5}` digest (OpenLDAP uses 4 or 8 bytes). */
const MAX_LDAP_SALT = 64;

type Digest = 'sha1' | 'sha256' | 'sha512';

/** A parsed stored hash: how to check a password against it. */
type Scheme =
  | { kind: 'bcrypt'; hash: string }
  /** crypt_blowfish's `$2x$`: bcrypt of the key its sign-extension bug derived (ADR 0005). */
  | { kind: 'bcrypt-2x'; hash: string }
  /** md5-crypt, sha256-crypt, sha512-crypt, phpass: recompute the string, compare its hash part. */
  | { kind: 'crypt'; stored: string; compute: (password: Buffer) => Promise<string> }
  /** LDAP `{MD5}`/`{SHA}` (no salt) and `{SMD5}`/`{SSHA}` (salt after the digest), RFC 2307. */
  | { kind: 'ldap-digest'; digest: 'md5' | 'sha1'; salt: Buffer; expected: Buffer }
  | { kind: 'argon2'; hash: string }
  | { kind: 'pbkdf2'; digest: Digest; iterations: number; salt: Buffer; expected: Buffer }
  | { kind: 'digest'; digest: 'md5' | 'sha1' | 'sha256'; hex: string }
  | { kind: 'plain'; text: string }
  /** A weak scheme wrapped at rest (ADR 0009): argon2id over the weak scheme's digest. */
  | { kind: 'wrapped'; inner: WeakScheme; hash: string };

type WeakScheme = 'md5' | 'sha1' | 'sha256' | 'plain';

/** The prefix of wrapped weak hashes: `wrapped-argon2id:<weak scheme>:<argon2id PHC>`. */
const WRAPPED = 'wrapped-argon2id';

/** A hex digest of each raw scheme, by its length (compiled once: the import tests a million). */
const HEX_DIGEST = {
  md5: /^[0-9a-fA-F]{32}$/,
  sha1: /^[0-9a-fA-F]{40}$/,
  sha256: /^[0-9a-fA-F]{64}$/,
};
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseAspNetIdentity(encoded: string): Scheme | null {
  if (!BASE64.test(encoded)) return null;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes[0] === 0x00 && bytes.length === 49) {
    // Identity v2: PBKDF2-HMAC-SHA1, 1000 iterations, 128-bit salt, 256-bit subkey
    return {
      kind: 'pbkdf2',
      digest: 'sha1',
      iterations: 1000,
      salt: bytes.subarray(1, 17),
      expected: bytes.subarray(17),
    };
  }
  if (bytes[0] === 0x01 && bytes.length >= 13) {
    // Identity v3: marker, PRF, iteration count, salt length (uint32 big-endian), salt, subkey
    const prf = bytes.readUInt32BE(1);
    const iterations = bytes.readUInt32BE(5);
    const saltLength = bytes.readUInt32BE(9);
    const digest = (['sha1', 'sha256', 'sha512'] as const)[prf];
    const expected = bytes.subarray(13 + saltLength);
    if (
      !digest ||
      saltLength < 16 ||
      iterations < 1 ||
      iterations > MAX_PBKDF2_ITERATIONS ||
      expected.length < 16
    )
      return null;
    return {
      kind: 'pbkdf2',
      digest,
      iterations,
      salt: bytes.subarray(13, 13 + saltLength),
      expected,
    };
  }
  return null;
}

function parseDjango(stored: string): Scheme | null {
  const [algorithm, iterationsText, salt, hash, ...rest] = stored.split('$');
  const digest =
    algorithm === 'pbkdf2_sha256' ? 'sha256' : algorithm === 'pbkdf2_sha1' ? 'sha1' : null;
  if (
    !digest ||
    rest.length > 0 ||
    !salt ||
    !hash ||
    !BASE64.test(hash) ||
    !/^[0-9]{1,7}$/.test(iterationsText ?? '')
  )
    return null;
  const iterations = Number(iterationsText);
  const expected = Buffer.from(hash, 'base64');
  if (
    iterations < 1 ||
    iterations > MAX_PBKDF2_ITERATIONS ||
    expected.length !== (digest === 'sha256' ? 32 : 20)
  )
    return null;
  return { kind: 'pbkdf2', digest, iterations, salt: Buffer.from(salt, 'utf8'), expected };
}

function parseArgon2(stored: string): Scheme | null {
  // `v=` is absent from hashes made by argon2 1.0 (version 16), still valid PHC strings
  const m =
    /^\$argon2(id|i|d)\$(?:v=(?:16|19)\$)?m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(
      stored,
    );
  if (
    !m ||
    Number(m[2]) > MAX_ARGON2_MEMORY_KIB ||
    Number(m[3]) > MAX_ARGON2_TIME ||
    Number(m[3]) < 1
  )
    return null;
  return { kind: 'argon2', hash: stored };
}

const BCRYPT = /^\$2([abxy])\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** A crypt(3)-style string: bcrypt, md5-crypt, sha256/512-crypt (alone or after LDAP `{CRYPT}`). */
function parseCrypt(stored: string): Scheme | null {
  const bcrypt = BCRYPT.exec(stored);
  if (bcrypt) {
    const cost = Number(bcrypt[2]);
    if (cost < 4 || cost > MAX_BCRYPT_COST) return null;
    return bcrypt[1] === 'x'
      ? { kind: 'bcrypt-2x', hash: `$2b$${stored.slice(4)}` }
      : { kind: 'bcrypt', hash: stored.replace(/^\$2y\$/, '$2b$') };
  }
  const md5 = MD5_CRYPT.exec(stored);
  if (md5) {
    const salt = md5[1]!;
    return { kind: 'crypt', stored, compute: (password) => md5Crypt(password, salt) };
  }
  const sha = SHA_CRYPT.exec(stored);
  if (sha) {
    const [variant, roundsText, salt, checksum] = [sha[1] as '5' | '6', sha[2], sha[3]!, sha[4]!];
    const rounds = roundsText === undefined ? null : Number(roundsText);
    if (rounds !== null && rounds > MAX_SHA_CRYPT_ROUNDS) return null;
    if (checksum.length !== (variant === '5' ? 43 : 86)) return null;
    return {
      kind: 'crypt',
      stored,
      compute: (password) => shaCrypt(variant, password, salt, rounds),
    };
  }
  return null;
}

/** LDAP `{SCHEME}value` (RFC 2307; scheme names in any case). */
function parseLdap(stored: string): Scheme | null {
  const m = /^\{([A-Za-z0-9]+)\}(.*)$/s.exec(stored);
  if (!m) return null;
  const [label, value] = [m[1]!.toUpperCase(), m[2]!];
  if (label === 'CRYPT') return parseCrypt(value);
  const digest = { MD5: 'md5', SMD5: 'md5', SHA: 'sha1', SSHA: 'sha1' }[label] as
    | 'md5'
    | 'sha1'
    | undefined;
  if (!digest || !BASE64.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  const size = digest === 'md5' ? 16 : 20;
  const salted = label.startsWith('S') && label !== 'SHA';
  if (salted ? bytes.length <= size || bytes.length > size + MAX_LDAP_SALT : bytes.length !== size)
    return null;
  return {
    kind: 'ldap-digest',
    digest,
    expected: bytes.subarray(0, size),
    salt: bytes.subarray(size),
  };
}

/** Reads the scheme a stored hash names (DESIGN section 8); null when unknown or malformed. */
export function parseLegacyHash(stored: string): Scheme | null {
  if (stored.startsWith('$2') || stored.startsWith('$1$') || /^\$[56]\$/.test(stored))
    return parseCrypt(stored);
  const php = PHPASS.exec(stored);
  if (php) {
    if (phpassLog2(php[2]!) === null) return null;
    return { kind: 'crypt', stored, compute: (password) => phpass(password, stored) };
  }
  if (stored.startsWith('{')) return parseLdap(stored);
  if (stored.startsWith('$argon2')) return parseArgon2(stored);
  if (stored.startsWith('pbkdf2_')) return parseDjango(stored);
  const colon = stored.indexOf(':');
  if (colon < 0) return null;
  const [prefix, value] = [stored.slice(0, colon), stored.slice(colon + 1)];
  switch (prefix) {
    case 'aspnet-identity':
      return parseAspNetIdentity(value);
    case 'md5':
    case 'sha1':
    case 'sha256':
      return HEX_DIGEST[prefix].test(value) ? { kind: 'digest', digest: prefix, hex: value } : null;
    case 'plain':
      return value.length > 0 ? { kind: 'plain', text: value } : null;
    case WRAPPED: {
      const [inner, phc] = [
        value.slice(0, value.indexOf(':')),
        value.slice(value.indexOf(':') + 1),
      ];
      if (!['md5', 'sha1', 'sha256', 'plain'].includes(inner) || !phc.startsWith('$argon2id$'))
        return null;
      return parseArgon2(phc) ? { kind: 'wrapped', inner: inner as WeakScheme, hash: phc } : null;
    }
    default:
      return null;
  }
}

/**
 * A stored hash's scheme and work factor, in words ("bcrypt cost 12", "PBKDF2-SHA256,
 * 260000 iterations"): what its check costs depends on nothing else. `renueva hashes
 * costs` groups the accounts by it.
 */
export function describeLegacyHash(stored: string): string {
  const scheme = parseLegacyHash(stored);
  const bare = stored.replace(/^\{CRYPT\}/i, '');
  switch (scheme?.kind) {
    case undefined:
      return 'not recognised';
    case 'bcrypt':
    case 'bcrypt-2x':
      return `bcrypt cost ${Number(bare.split('$')[2])}`;
    case 'crypt': {
      const sha = SHA_CRYPT.exec(bare);
      if (sha)
        return `sha${sha[1] === '5' ? 256 : 512}-crypt, ${sha[2] ?? SHA_CRYPT_DEFAULT_ROUNDS} rounds`;
      const php = PHPASS.exec(bare);
      return php ? `phpass, 2^${phpassLog2(php[2] as string)} rounds` : 'md5-crypt';
    }
    case 'ldap-digest':
      return `LDAP {${scheme.salt.length > 0 ? 'S' : ''}${scheme.digest === 'md5' ? 'MD5' : 'SHA'}}`;
    case 'argon2': {
      // the type and parameters, whatever the version (argon2 1.0 wrote none)
      const [, type, params] = /^\$(argon2\w+)\$(?:v=\d+\$)?([^$]+)/.exec(scheme.hash) ?? [];
      return `${type} ${params}`;
    }
    case 'pbkdf2':
      return `PBKDF2-${scheme.digest.toUpperCase()}, ${scheme.iterations} iterations`;
    case 'digest':
      return `${scheme.digest}, unsalted`;
    case 'plain':
      return 'plain text';
    case 'wrapped':
      return `${scheme.inner} wrapped in argon2id`;
  }
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();
/**
 * What a wrapped hash is argon2id over: the lower-case hex digest the weak scheme
 * stored (so a stored digest can be wrapped without the password), and for clear text
 * the SHA-256 of the password (ADR 0009).
 */
const innerDigest = (inner: WeakScheme, password: string) =>
  createHash(inner === 'plain' ? 'sha256' : inner)
    .update(password, 'utf8')
    .digest('hex');

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * Verifies imported legacy hashes with constant-time comparisons. Slow schemes go
 * through the same kind of bounded queue as argon2 (busy past it). Malformed hashes
 * are `false`, never an exception.
 */
export class SchemeLegacyPasswordVerifier implements LegacyPasswordVerifier {
  readonly #limiter: WorkLimiter;

  /** Pass the hasher's `WorkLimiter` so all password work shares one bound. */
  constructor(limiter: LimiterOptions | WorkLimiter = {}) {
    this.#limiter = limiter instanceof WorkLimiter ? limiter : new WorkLimiter(limiter);
  }

  recognizes(stored: string): boolean {
    return parseLegacyHash(stored) !== null;
  }

  /** MD5/SHA digests, LDAP digests and plain text are compared here; so is a malformed hash. */
  checkedAtOnce(stored: string): boolean {
    const kind = parseLegacyHash(stored)?.kind;
    return kind === undefined || kind === 'digest' || kind === 'plain' || kind === 'ldap-digest';
  }

  async verify(stored: string, password: string): Promise<Result<boolean, HasherBusy>> {
    const scheme = parseLegacyHash(stored);
    if (!scheme) return Ok(false);
    switch (scheme.kind) {
      case 'digest':
        return Ok(
          equal(
            createHash(scheme.digest).update(password, 'utf8').digest(),
            Buffer.from(scheme.hex, 'hex'),
          ),
        );
      case 'plain':
        // compare digests so the comparison time does not depend on the lengths
        return Ok(equal(sha256(password), sha256(scheme.text)));
      case 'ldap-digest':
        return Ok(
          equal(
            createHash(scheme.digest).update(password, 'utf8').update(scheme.salt).digest(),
            scheme.expected,
          ),
        );
      case 'crypt': {
        // md5-crypt, sha-crypt and phpass are JavaScript: on the event loop (yielding), in the bound
        const result = await this.#limiter.run(() =>
          cryptVerify(scheme, password).catch(() => false),
        );
        return result.isOk() ? Ok(result.value) : Err(result.error);
      }
      default:
        // the native schemes run on a password thread (ADR 0015)
        return this.#limiter.compute(slowJob(scheme, password));
    }
  }

  async wrap(stored: string): Promise<Result<string | null, HasherBusy>> {
    const scheme = parseLegacyHash(stored);
    const inner =
      scheme?.kind === 'digest'
        ? { scheme: scheme.digest, digest: scheme.hex.toLowerCase() }
        : scheme?.kind === 'plain'
          ? { scheme: 'plain' as const, digest: innerDigest('plain', scheme.text) }
          : // `{MD5}`/`{SHA}`: the md5/sha1 digest in base64, so wrapped as md5/sha1
            scheme?.kind === 'ldap-digest' && scheme.salt.length === 0
            ? { scheme: scheme.digest, digest: scheme.expected.toString('hex') }
            : null;
    if (!inner) return Ok(null);
    const result = await this.#limiter.compute({ kind: 'argon2-hash', password: inner.digest });
    return result.isOk() ? Ok(`${WRAPPED}:${inner.scheme}:${result.value}`) : Err(result.error);
  }
}

/** The settings are the stored string's; only the hash after its last `$` is compared. */
async function cryptVerify(
  scheme: Extract<Scheme, { kind: 'crypt' }>,
  password: string,
): Promise<boolean> {
  const computed = await scheme.compute(Buffer.from(password, 'utf8'));
  const tail = (s: string) => Buffer.from(s.slice(s.lastIndexOf('$') + 1), 'latin1');
  return equal(tail(computed), tail(scheme.stored));
}

/** The password-thread job that checks `password` against a native slow scheme. */
function slowJob(
  scheme: Exclude<Scheme, { kind: 'digest' | 'plain' | 'ldap-digest' | 'crypt' }>,
  password: string,
): Extract<PasswordJob, { kind: 'argon2-verify' | 'bcrypt-verify' | 'pbkdf2-verify' }> {
  switch (scheme.kind) {
    case 'bcrypt':
      return { kind: 'bcrypt-verify', hash: scheme.hash, password };
    case 'bcrypt-2x':
      return {
        kind: 'bcrypt-verify',
        hash: scheme.hash,
        password: bcrypt2xKey(Buffer.from(password, 'utf8')),
      };
    case 'argon2':
      return { kind: 'argon2-verify', hash: scheme.hash, password };
    case 'wrapped':
      return {
        kind: 'argon2-verify',
        hash: scheme.hash,
        password: innerDigest(scheme.inner, password),
      };
    case 'pbkdf2':
      return {
        kind: 'pbkdf2-verify',
        password,
        salt: scheme.salt,
        iterations: scheme.iterations,
        digest: scheme.digest,
        expected: scheme.expected,
      };
  }
}
