import { numRuns } from '@renueva/domain/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maskEmail,
  parseCustomerNumber,
  parseEmail,
  parseIdentifier,
  parseLegacyUsername,
  usernameKey,
} from '../src/index.js';

describe('parseEmail', () => {
  it('normalises case and spaces: identity is case-insensitive', () => {
    expect(parseEmail('  Diego.Barron@OXXOGAS.com ').unwrap()).toBe('diego.barron@oxxogas.com');
  });
  it.each([
    '',
    'diego',
    'diego@',
    '@oxxogas.com',
    'a@@b.com',
    'a b@c.com',
    `${'x'.repeat(250)}@a.com`,
  ])('rejects %j', (raw) => {
    const parsed = parseEmail(raw);
    expect(parsed.isErr() && parsed.error.code).toBe('invalid_input');
  });
  it('names the field and says why, for the form to show', () => {
    const parsed = parseEmail('diego@');
    expect(parsed.isErr() && parsed.error).toEqual({
      code: 'invalid_input',
      field: 'email',
      message: 'correo electrónico no válido',
    });
  });
});

describe('parseLegacyUsername / parseCustomerNumber / parseIdentifier', () => {
  it('keeps the spelling of a username, rejects spaces, @ and control characters', () => {
    expect(parseLegacyUsername(' dbarronRMZ1 ').unwrap()).toBe('dbarronRMZ1');
    for (const bad of ['', 'a b', 'a\u0000b', 'x'.repeat(65)])
      expect(parseLegacyUsername(bad).isErr()).toBe(true);
  });
  it('names the field and the rule a username breaks', () => {
    const parsed = parseLegacyUsername('a b');
    expect(parsed.isErr() && parsed.error).toEqual({
      code: 'invalid_input',
      field: 'username',
      message: 'sin espacios, arrobas ni caracteres de control',
    });
  });
  it('compares usernames case- and space-insensitively with usernameKey', () => {
    expect(usernameKey(' DBarronRMZ1 ')).toBe('dbarronrmz1');
    expect(usernameKey('DBARRONrmz1')).toBe(usernameKey('dbarronRMZ1'));
  });
  it('accepts digits only as a customer number', () => {
    expect(parseCustomerNumber(' 2242455 ').unwrap()).toBe('2242455');
    for (const bad of ['', '12a', '-1', '1'.repeat(21)])
      expect(parseCustomerNumber(bad).isErr()).toBe(true);
    const parsed = parseCustomerNumber('12a');
    expect(parsed.isErr() && parsed.error).toEqual({
      code: 'invalid_input',
      field: 'customer_number',
      message: 'número de cliente no válido: solo dígitos',
    });
  });
  it('tells an email from a username by the @', () => {
    expect(parseIdentifier('dbarronrmz1').unwrap()).toEqual({
      kind: 'username',
      username: 'dbarronrmz1',
    });
    expect(parseIdentifier('A@B.mx').unwrap()).toEqual({ kind: 'email', email: 'a@b.mx' });
  });
});

describe('maskEmail', () => {
  it('matches the customer guide', () => {
    expect(maskEmail('diego.barron.rmz@oxxogas.com')).toBe('diego.barron.***@oxxog**.c**');
  });

  it('masks what is on record even when it is not a well-formed address', () => {
    // no "@": the second half hidden
    expect(maskEmail('diegobarron')).toBe('diego******');
    // nothing before the "@": the domain masked as usual
    expect(maskEmail('@oxxogas.com')).toBe('@oxxog**.c**');
    // a single-label domain is not a top-level label: its last third hidden
    expect(maskEmail('diego@localhost')).toBe('di***@localh***');
  });

  const label = fc.stringMatching(/^[a-z0-9]{1,12}$/);
  const email = fc
    .tuple(
      fc.array(label, { minLength: 1, maxLength: 3 }),
      fc.array(label, { minLength: 2, maxLength: 4 }),
    )
    .map(([local, domain]) => `${local.join('.')}@${domain.join('.')}`);

  it('preserves length and keeps @ and dots in place', () => {
    fc.assert(
      fc.property(email, (e) => {
        const masked = maskEmail(e);
        expect(masked.length).toBe(e.length);
        for (let i = 0; i < e.length; i++)
          if (e[i] === '@' || e[i] === '.') expect(masked[i]).toBe(e[i]);
      }),
      { numRuns: numRuns(500) },
    );
  });

  it('hides part of every domain label and part of the local part, and only replaces with *', () => {
    fc.assert(
      fc.property(email, (e) => {
        const masked = maskEmail(e);
        const [local, domain] = [
          masked.slice(0, masked.indexOf('@')),
          masked.slice(masked.indexOf('@') + 1),
        ];
        expect(local).toContain('*');
        for (const l of domain.split('.')) expect(l).toContain('*');
        for (let i = 0; i < e.length; i++) expect([e[i], '*']).toContain(masked[i]);
      }),
      { numRuns: numRuns(500) },
    );
  });
});
