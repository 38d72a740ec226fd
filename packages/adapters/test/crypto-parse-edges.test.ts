import { createCipheriv, hkdfSync, pbkdf2Sync } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import { bcrypt2xKey } from '../src/crypto/bcrypt-2x.js';
import { md5Crypt, phpass, shaCrypt } from '../src/crypto/crypt-schemes.js';
import { SchemeLegacyPasswordVerifier } from '../src/crypto/legacy-password-verifier.js';
import { NodeSecrets } from '../src/crypto/node-secrets.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import { WorkLimiter } from '../src/crypto/work-limiter.js';

// The edges of what the parsers accept, each found by a mutant that changed it unseen
// (Stryker, issue 13): a bound one step either side, a malformed part of an otherwise
// good hash. Hashes that must verify are computed here with node:crypto, never typed in.

const verifier = new SchemeLegacyPasswordVerifier();
const b64 = (bytes: Buffer) => bytes.toString('base64');

/** ASP.NET Identity v3: marker, PRF, iterations, salt length (uint32 big-endian), salt, subkey. */
function aspnetV3({
  marker = 1,
  prf = 1,
  iterations = 10_000,
  saltLength = 16,
  subkey = Buffer.alloc(32, 2),
} = {}) {
  const header = Buffer.alloc(13);
  header.writeUInt8(marker, 0);
  header.writeUInt32BE(prf, 1);
  header.writeUInt32BE(iterations, 5);
  header.writeUInt32BE(saltLength, 9);
  return Buffer.concat([header, Buffer.alloc(saltLength, 1), subkey]);
}
const aspnet = (bytes: Buffer | string) =>
  `aspnet-identity:${typeof bytes === 'string' ? bytes : b64(bytes)}`;

describe('ASP.NET Identity values', () => {
  it('verifies a v3 value computed with node:crypto, and only as v3', async () => {
    const salt = Buffer.alloc(16, 1);
    const subkey = pbkdf2Sync('contraseña', salt, 1000, 32, 'sha256');
    const stored = aspnet(aspnetV3({ iterations: 1000, subkey }));
    expect((await verifier.verify(stored, 'contraseña')).unwrap()).toBe(true);
    expect((await verifier.verify(stored, 'contrasena')).unwrap()).toBe(false);
    // the same bytes under another format marker are not a v3 value
    const other = aspnetV3({ marker: 2, iterations: 1000, subkey });
    expect(verifier.recognizes(aspnet(other))).toBe(false);
  });

  it('reads the bounds of v3: salt of 16 bytes or more, 1 iteration or more, a known PRF', () => {
    expect(verifier.recognizes(aspnet(aspnetV3({ iterations: 1 })))).toBe(true);
    expect(verifier.recognizes(aspnet(aspnetV3({ saltLength: 16 })))).toBe(true);
    expect(verifier.recognizes(aspnet(aspnetV3({ saltLength: 15 })))).toBe(false);
    expect(verifier.recognizes(aspnet(aspnetV3({ saltLength: 8 })))).toBe(false);
    for (const prf of [0, 1, 2]) expect(verifier.recognizes(aspnet(aspnetV3({ prf })))).toBe(true);
    expect(verifier.recognizes(aspnet(aspnetV3({ prf: 3 })))).toBe(false);
  });

  it('refuses a value too short for a v3 header, or not base64, without throwing', async () => {
    for (const stored of [
      aspnet(Buffer.from([1, 0, 0, 0, 1])),
      aspnet(Buffer.from([1])),
      aspnet(`${b64(aspnetV3())}*`),
      aspnet(`*${b64(aspnetV3())}`),
    ]) {
      expect(() => verifier.recognizes(stored), stored).not.toThrow();
      expect(verifier.recognizes(stored), stored).toBe(false);
      expect((await verifier.verify(stored, 'x')).unwrap(), stored).toBe(false);
    }
  });
});

describe('Django PBKDF2 values', () => {
  const hash20 = b64(Buffer.alloc(20, 3));
  const hash32 = b64(Buffer.alloc(32, 3));

  it('reads only pbkdf2_sha256 and pbkdf2_sha1, each with its digest length', () => {
    expect(verifier.recognizes(`pbkdf2_sha256$1000$salt$${hash32}`)).toBe(true);
    expect(verifier.recognizes(`pbkdf2_sha1$1000$salt$${hash20}`)).toBe(true);
    expect(verifier.recognizes(`pbkdf2_sha256$1000$salt$${hash20}`)).toBe(false);
    expect(verifier.recognizes(`pbkdf2_sha1$1000$salt$${hash32}`)).toBe(false);
    for (const name of ['pbkdf2_md5', 'pbkdf2_sha512', 'pbkdf2_'])
      for (const hash of [hash20, hash32])
        expect(verifier.recognizes(`${name}$1000$salt$${hash}`), name).toBe(false);
  });

  it.each([
    ['an extra part', `pbkdf2_sha256$1000$salt$${b64(Buffer.alloc(32, 3))}$more`],
    ['no salt', `pbkdf2_sha256$1000$$${b64(Buffer.alloc(32, 3))}`],
    ['no hash', 'pbkdf2_sha256$1000$salt$'],
    ['a hash not base64', `pbkdf2_sha256$1000$salt$${b64(Buffer.alloc(32, 3)).slice(1)}*`],
    ['letters before the iterations', `pbkdf2_sha256$x1000$salt$${b64(Buffer.alloc(32, 3))}`],
    ['letters after the iterations', `pbkdf2_sha256$1000x$salt$${b64(Buffer.alloc(32, 3))}`],
    ['eight digits of iterations', `pbkdf2_sha256$00001000$salt$${b64(Buffer.alloc(32, 3))}`],
    ['no iterations', `pbkdf2_sha256$$salt$${b64(Buffer.alloc(32, 3))}`],
  ])('refuses %s', (_name, stored) => {
    expect(verifier.recognizes(stored)).toBe(false);
  });
});

describe('argon2 PHC strings', () => {
  const tail = '$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
  const phc = (m: number, t: number, p = 1) => `$argon2id$v=19$m=${m},t=${t},p=${p}${tail}`;

  it('reads memory up to 256 MiB and time 1 to 10, no more', () => {
    expect(verifier.recognizes(phc(262_144, 2))).toBe(true);
    expect(verifier.recognizes(phc(262_145, 2))).toBe(false);
    expect(verifier.recognizes(phc(4096, 10))).toBe(true);
    expect(verifier.recognizes(phc(4096, 11))).toBe(false);
    expect(verifier.recognizes(phc(4096, 1))).toBe(true);
    expect(verifier.recognizes(phc(4096, 0))).toBe(false);
    expect(verifier.recognizes(phc(4096, 2, 16))).toBe(true);
  });

  it('refuses anything before or after the PHC string', () => {
    expect(verifier.recognizes(`${phc(4096, 2)}$extra`)).toBe(false);
    expect(verifier.recognizes(`${phc(4096, 2)}!`)).toBe(false);
    expect(verifier.recognizes(`$argon2id$junk${phc(4096, 2)}`)).toBe(false);
    expect(verifier.recognizes(`wrapped-argon2id:md5:$argon2id$junk${phc(4096, 2)}`)).toBe(false);
  });

  it('a string the argon2 library refuses verifies as false, never true', async () => {
    // each matches our pattern; the library throws (memory, salt, output too small)
    for (const stored of [
      '$argon2id$v=19$m=1,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo',
      '$argon2id$v=19$m=4096,t=1,p=1$c2E$aGFzaGhhc2hoYXNo',
      '$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHQ$aA',
    ]) {
      expect(verifier.recognizes(stored), stored).toBe(true);
      expect((await verifier.verify(stored, 'x')).unwrap(), stored).toBe(false);
    }
  });
});

describe('LDAP values', () => {
  const ssha = (saltBytes: number) => `{SSHA}${b64(Buffer.alloc(20 + saltBytes, 5))}`;

  it('reads a salt of up to 64 bytes after the digest', () => {
    expect(verifier.recognizes(ssha(1))).toBe(true);
    expect(verifier.recognizes(ssha(64))).toBe(true);
    expect(verifier.recognizes(ssha(65))).toBe(false);
  });

  it('refuses a brace that names no scheme, without throwing', () => {
    for (const stored of ['{', '{}x', '{SSHA', '{S-HA}abc'])
      expect(verifier.recognizes(stored), stored).toBe(false);
    // the scheme is the first brace, not one found further on
    const sha = `{SHA}${b64(Buffer.alloc(20, 5))}`;
    expect(verifier.recognizes(sha)).toBe(true);
    expect(verifier.recognizes(`{S-HA}${sha}`)).toBe(false);
  });
});

describe('prefixed values', () => {
  it('need their colon', () => {
    expect(verifier.recognizes('plain:x')).toBe(true);
    expect(verifier.recognizes('plainx')).toBe(false);
  });
});

describe('crypt strings', () => {
  const itoa = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

  it('reads phpass from 2^7, its own minimum', () => {
    const phpassWith = (log2: number) => `$P$${itoa[log2]}12345678L6Lpt4BxNotVIMILOa9u81`;
    expect(verifier.recognizes(phpassWith(7))).toBe(true);
  });

  it('phpass() refuses settings outside the bounds instead of hashing with them', async () => {
    await expect(phpass(Buffer.from('x'), '$P$412345678')).rejects.toThrow(/out of bounds/);
    await expect(phpass(Buffer.from('x'), '$P$J12345678')).rejects.toThrow(/out of bounds/);
  });

  it('shaCrypt writes rounds= back only when the stored string had it', async () => {
    // the SHA-crypt spec's vectors (crypto-crypt-vectors.test.ts), computed again in full
    expect(await shaCrypt('5', Buffer.from('This is just a test'), 'toolongsaltstrin', 5000)).toBe(
      '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5',
    );
    expect(await shaCrypt('5', Buffer.from('Hello world!'), 'saltstring', null)).toBe(
      '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5',
    );
  });

  it('md5-crypt and phpass let the event loop turn while they hash', async () => {
    for (const run of [
      () => md5Crypt(Buffer.from('password'), 'saltsalt'),
      // 2^11 iterations: past the first yield, at 1024
      () => phpass(Buffer.from('password'), `$P$${itoa[11]}12345678`),
    ]) {
      let turned = false;
      void nextTurn().then(() => {
        turned = true;
      });
      await run();
      expect(turned).toBe(true);
    }
  });

  it('$2x$ sign-extends every byte from 0x80 up, 0x80 itself included', () => {
    // (BF_word_signed)(signed char)0x80 is 0xffffff80; the key cycles "\x80\0"
    const key = bcrypt2xKey(Buffer.from([0x80]));
    expect(key.readUInt32BE(0)).toBe(0xffff8000);
    const ascii = bcrypt2xKey(Buffer.from([0x7f]));
    expect(ascii.readUInt32BE(0)).toBe(0x7f007f00);
  });
});

describe('Argon2PasswordHasher and the work queue', () => {
  it('says when it is saturated, and answers false, not busy, for a hash that is not argon2', async () => {
    const limiter = new WorkLimiter({ concurrency: 1, maxQueue: 0 });
    const hasher = Argon2PasswordHasher.create(limiter);
    expect(hasher.saturated()).toBe(false);
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = limiter.run(() => gate);
    expect(hasher.saturated()).toBe(true);
    const answer = await hasher.verify('$2b$10$notargon2', 'x');
    expect(answer.isOk()).toBe(true);
    expect(answer.unwrap()).toBe(false);
    release();
    await held;
    expect(hasher.saturated()).toBe(false);
  });
});

describe('server secrets', () => {
  it('accepts a secret of exactly 32 characters', () => {
    expect(() => new NodeSecrets('s'.repeat(32))).not.toThrow();
    expect(() => new NodeSecrets('s'.repeat(31))).toThrow();
  });

  it('SecretBox opens what was sealed under HKDF-SHA256(secret, "renueva", "outbox-encryption")', () => {
    const secret = 'a-server-secret-of-at-least-32-characters!';
    const key = Buffer.from(hkdfSync('sha256', secret, 'renueva', 'outbox-encryption', 32));
    const iv = Buffer.alloc(12, 9);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update('código 123456', 'utf8'), cipher.final()]);
    const sealed = ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
    expect(new SecretBox(secret).open(sealed)).toBe('código 123456');
  });
});
