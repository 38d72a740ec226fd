import { parseOptions } from '@node-rs/argon2';
import { createUseCases } from '@renueva/domain';
import { createMemoryPorts } from '@renueva/domain/testing';
import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import {
  MAX_BCRYPT_COST,
  MAX_PBKDF2_ITERATIONS,
  SchemeLegacyPasswordVerifier,
} from '../src/crypto/legacy-password-verifier.js';
import { NodeSecrets } from '../src/crypto/node-secrets.js';

// Work factors an imported hash may ask for (ADR 0005): within the bounds a row is
// imported; past them it is rejected at import, and a stored one never verifies (no
// CPU is spent on it).

const verifier = new SchemeLegacyPasswordVerifier();
const BCRYPT_TAIL = 'CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
const bcrypt = (cost: number) => `$2b$${String(cost).padStart(2, '0')}$${BCRYPT_TAIL}`;
const django = (iterations: number) =>
  `pbkdf2_sha256$${iterations}$seasalt$${Buffer.alloc(32, 7).toString('base64')}`;
/** ASP.NET Identity v3: 0x01, PRF (1 = HMAC-SHA256), iterations, salt length, salt, subkey. */
const aspnetV3 = (iterations: number) => {
  const header = Buffer.alloc(13);
  header.writeUInt8(1, 0);
  header.writeUInt32BE(1, 1);
  header.writeUInt32BE(iterations, 5);
  header.writeUInt32BE(16, 9);
  return `aspnet-identity:${Buffer.concat([header, Buffer.alloc(16, 1), Buffer.alloc(32, 2)]).toString('base64')}`;
};

describe('work factors of imported hashes', () => {
  it('are bounded as documented: bcrypt cost 4 to 14, PBKDF2 up to 1,200,000 iterations', () => {
    expect([MAX_BCRYPT_COST, MAX_PBKDF2_ITERATIONS]).toEqual([14, 1_200_000]);
    for (const cost of [4, 10, 14]) expect(verifier.recognizes(bcrypt(cost)), `${cost}`).toBe(true);
    for (const cost of [3, 15, 31])
      expect(verifier.recognizes(bcrypt(cost)), `${cost}`).toBe(false);
    for (const make of [django, aspnetV3]) {
      expect(verifier.recognizes(make(1_200_000))).toBe(true);
      expect(verifier.recognizes(make(1_200_001))).toBe(false);
      expect(verifier.recognizes(make(0))).toBe(false);
    }
    expect(verifier.recognizes(aspnetV3(5_000_000))).toBe(false);
    expect(verifier.recognizes(aspnetV3(0xffff_ffff))).toBe(false);
  });

  it('past the bounds a stored hash verifies as false at once, whatever the password', async () => {
    for (const stored of [bcrypt(31), bcrypt(15), django(1_200_001), aspnetV3(0xffff_ffff)]) {
      const started = performance.now();
      expect((await verifier.verify(stored, 'U*U')).unwrap(), stored).toBe(false);
      expect(performance.now() - started, stored).toBeLessThan(500);
    }
  });

  it('an import rejects such a row with its line, and imports the rest', async () => {
    const ports = createMemoryPorts({ legacy: verifier });
    const uc = createUseCases(ports);
    const hashes = [bcrypt(10), bcrypt(31), aspnetV3(3_000_000), django(1_000_000)];
    async function* rows() {
      for (const [i, password_hash] of hashes.entries())
        yield {
          line: i + 2,
          customer_number: String(100 + i),
          username: `cliente${i}`,
          email: `c${i}@example.mx`,
          password_hash,
        };
    }
    const outcome = await uc.importLegacyAccounts({ rows: rows(), dryRun: false });
    expect(outcome.rejected).toEqual([
      { line: 3, reason: 'unknown or malformed password_hash scheme "$2b$"' },
      { line: 4, reason: 'unknown or malformed password_hash scheme "aspnet-identity"' },
    ]);
    expect(outcome.inserted).toBe(2);
  });
});

describe('Argon2PasswordHasher.needsRehash', () => {
  it('asks for a rehash when any cost is weaker than the policy, the time cost included', async () => {
    const hasher = Argon2PasswordHasher.create();
    const salt = 'c29tZXNhbHRzb21lc2FsdA';
    const hash = 'RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs';
    const phc = (m: number, t: number) => `$argon2id$v=19$m=${m},t=${t},p=1$${salt}$${hash}`;
    expect(parseOptions(phc(19_456, 1)).timeCost).toBe(1);
    expect(hasher.needsRehash(phc(19_456, 1))).toBe(true);
    expect(hasher.needsRehash(phc(19_455, 2))).toBe(true);
    expect(hasher.needsRehash(phc(65_536, 1))).toBe(true);
    // the policy itself, or stronger in any cost: kept
    expect(hasher.needsRehash(phc(19_456, 2))).toBe(false);
    expect(hasher.needsRehash(phc(19_456, 3))).toBe(false);
    expect(hasher.needsRehash(phc(65_536, 2))).toBe(false);
    // what the hasher makes is the policy, told by its prefix
    const made = await hasher.hash('tortuga violeta bajo el puente');
    expect(made.isOk() && hasher.needsRehash(made.value)).toBe(false);
    expect(hasher.needsRehash(`$argon2id$v=16$m=19456,t=2,p=1$${salt}$${hash}`)).toBe(true);
  });
});

describe('NodeSecrets codes', () => {
  it('every digit position, the first included, takes every value about equally often', () => {
    const secrets = new NodeSecrets('a-server-secret-of-at-least-32-characters!');
    const draws = 5000;
    const counts = Array.from({ length: 6 }, () => new Map<string, number>());
    for (let i = 0; i < draws; i++) {
      const code = secrets.code(6);
      expect(code).toMatch(/^\d{6}$/);
      for (const [position, digit] of [...code].entries()) {
        const seen = counts[position] as Map<string, number>;
        seen.set(digit, (seen.get(digit) ?? 0) + 1);
      }
    }
    // 500 expected per value, standard deviation about 21: 380..620 fails only by a bug
    for (const [position, seen] of counts.entries())
      for (const value of '0123456789') {
        const n = seen.get(value) ?? 0;
        expect(n, `digit ${value} at position ${position}`).toBeGreaterThan(380);
        expect(n, `digit ${value} at position ${position}`).toBeLessThan(620);
      }
  });
});
