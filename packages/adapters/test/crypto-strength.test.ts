import { describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import { feedbackEsMx, ZxcvbnPasswordStrength } from '../src/crypto/zxcvbn-password-strength.js';

/** Every sentence the portal's zxcvbn can say (warnings and suggestions). */
const SPANISH = [
  ...Object.values(feedbackEsMx().warnings),
  ...Object.values(feedbackEsMx().suggestions),
].sort((a, b) => b.length - a.length); // longest first, so no sentence eats part of another

/** What is left of `feedback` once every Spanish sentence is taken out of it. */
function notSpanish(feedback: string): string {
  let rest = feedback;
  for (const sentence of SPANISH) rest = rest.split(sentence).join('');
  return rest.trim();
}

describe('ZxcvbnPasswordStrength feedback', () => {
  const strength = new ZxcvbnPasswordStrength();

  it.each(['contraseña123', 'password1234', 'qwertyuiop12'])(
    'rejects %s with feedback made only of the es-MX sentences',
    (password) => {
      const verdict = strength.check(password, []);
      expect(verdict.acceptable).toBe(false);
      if (verdict.acceptable) return;
      expect(verdict.feedback).toBeTruthy();
      expect(notSpanish(verdict.feedback ?? '')).toBe('');
    },
  );

  it('speaks to the customer with "tú", with no slip of the es-ES sentences', () => {
    const sentences = SPANISH.join(' ');
    expect(sentences).not.toMatch(/\b(Su|Evitas|utiliza|debería)\b/);
    for (const s of SPANISH) expect(s).toMatch(/[.!?]$/);
  });

  it('names the common-password warning in Spanish', () => {
    const verdict = strength.check('password1234', []);
    expect(verdict).toEqual({
      acceptable: false,
      feedback: expect.stringContaining(feedbackEsMx().warnings.similarToCommon),
    });
  });
});

describe('Argon2PasswordHasher.needsRehash', () => {
  it('asks for a rehash of argon2id 1.0 (no v=) even with the current parameters', async () => {
    const hasher = Argon2PasswordHasher.create();
    // same m, t, p as ours; the version field is what differs
    const v13 =
      '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    const v10 = '$argon2id$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    expect(hasher.needsRehash(v13)).toBe(false);
    expect(hasher.needsRehash(v10)).toBe(true);
  });
});
