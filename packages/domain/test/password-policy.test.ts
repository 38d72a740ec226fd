import { numRuns } from '@renueva/domain/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNewPassword, defaultPolicies, type PasswordStrength } from '../src/index.js';

const strength: PasswordStrength = {
  check: (p) =>
    p === 'password1234' ? { acceptable: false, feedback: 'muy común' } : { acceptable: true },
};
const context = {
  usernames: ['dbarronrmz1'],
  email: 'diego.barron@oxxogas.com',
  customerNumbers: ['2242455'],
};
const check = (p: string, c = p) => checkNewPassword(p, c, context, strength, defaultPolicies);
const kinds = (p: string, c = p) => {
  const r = check(p, c);
  return r.isErr() ? r.error.map((x) => x.kind) : [];
};

describe('checkNewPassword', () => {
  it('accepts a long passphrase without composition rules', () => {
    expect(check('una frase larga y tranquila').unwrap()).toBe('una frase larga y tranquila');
  });
  it('reports every problem', () => {
    expect(kinds('corta')).toEqual(['too_short']);
    expect(kinds('x'.repeat(129))).toEqual(['too_long']);
    expect(kinds('una frase larga y tranquila', 'otra')).toEqual(['mismatch']);
    expect(kinds('mi usuario DBARRONRMZ1 es')).toEqual(['contains_personal_data']);
    expect(kinds('Diego.Barron y algo más')).toEqual(['contains_personal_data']);
    expect(kinds('cliente 2242455 siempre')).toEqual(['contains_personal_data']);
    expect(kinds('password1234')).toEqual(['too_common']);
  });
  it('says which personal data a password contains, once per kind', () => {
    const problems = (p: string, c = p, ctx = context) => {
      const r = checkNewPassword(p, c, ctx, strength, defaultPolicies);
      return r.isErr() ? r.error : [];
    };
    expect(problems('Diego.Barron y algo más')).toEqual([
      { kind: 'contains_personal_data', what: 'email' },
    ]);
    // two usernames in it: one problem about usernames
    const twoUsers = { ...context, usernames: ['flotilla01', 'flotilla02'] };
    expect(problems('flotilla01 y flotilla02 juntas', undefined, twoUsers)).toEqual([
      { kind: 'contains_personal_data', what: 'username' },
    ]);
    // a username and a customer number: one problem each
    expect(problems('dbarronrmz1 cliente 2242455')).toEqual([
      { kind: 'contains_personal_data', what: 'username' },
      { kind: 'contains_personal_data', what: 'customer_number' },
    ]);
    // beside another problem, still reported
    expect(problems('dbarronrmz1 cliente', 'otra')).toEqual([
      { kind: 'mismatch' },
      { kind: 'contains_personal_data', what: 'username' },
    ]);
  });
  it('asks the strength check only when nothing but the confirmation is wrong', () => {
    const asked: string[] = [];
    const refuses: PasswordStrength = {
      check: (p) => {
        asked.push(p);
        return { acceptable: false, feedback: 'muy común' };
      },
    };
    const run = (p: string, c: string) => {
      const r = checkNewPassword(p, c, context, refuses, defaultPolicies);
      return r.isErr() ? r.error.map((x) => x.kind) : [];
    };
    // a common password mistyped in the confirmation: both told at once
    expect(run('password1234', 'password123')).toEqual(['mismatch', 'too_common']);
    // too short (and mistyped): the length comes first, no strength verdict
    expect(run('corta', 'corto')).toEqual(['too_short', 'mismatch']);
    expect(asked).toEqual(['password1234']);
  });
  it('counts code points, not UTF-16 units', () => {
    expect(kinds('😀'.repeat(12))).toEqual([]); // 24 UTF-16 units, 12 code points
    expect(kinds('😀'.repeat(11))).toEqual(['too_short']);
  });
  it('gives NFKC-equivalent inputs the same verdict', () => {
    const char = fc.constantFrom(
      'a',
      'é',
      'e\u0301',
      'ﬁ',
      'Å',
      'A\u030a',
      '①',
      '1',
      ' ',
      'Ω',
      'Ω',
      'x',
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 20 }), (chars) => {
        const p = chars.join('');
        const q = p.normalize('NFKD'); // a different spelling of the same NFKC string
        const verdict = (x: string) => {
          const r = check(x);
          return r.isOk() ? `ok:${r.value}` : JSON.stringify(r.error);
        };
        expect(verdict(q)).toBe(verdict(p));
      }),
      { numRuns: numRuns(300) },
    );
  });
  it('length verdict follows the code-point count after NFKC', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (p) => {
        const n = [...p.normalize('NFKC')].length;
        const tooShort = kinds(p).includes('too_short');
        expect(tooShort).toBe(n < defaultPolicies.passwordMinLength);
      }),
      { numRuns: numRuns(300) },
    );
  });
});
