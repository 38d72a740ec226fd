import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/index.js';

describe('resolvePolicies: the rules that bind one policy to another', () => {
  it('keeps the chance of guessing a code at or below 1e-5 per window', () => {
    expect(resolvePolicies({ maxWrongCodesPerAccount: 10 }).maxWrongCodesPerAccount).toBe(10);
    expect(() => resolvePolicies({ maxWrongCodesPerAccount: 11 })).toThrow(
      /maxWrongCodesPerAccount must keep the chance/,
    );
    // a longer code allows a larger budget
    expect(
      resolvePolicies({ codeDigits: 7, maxWrongCodesPerAccount: 100 }).maxWrongCodesPerAccount,
    ).toBe(100);
  });

  it('leaves anonymous recovery at least one wrong code of the budget', () => {
    expect(resolvePolicies({ wrongCodesReservedForSignIn: 9 }).wrongCodesReservedForSignIn).toBe(9);
    expect(() => resolvePolicies({ wrongCodesReservedForSignIn: 10 })).toThrow(
      /wrongCodesReservedForSignIn must be below maxWrongCodesPerAccount/,
    );
  });

  it('allows equal password bounds', () => {
    const p = resolvePolicies({ passwordMinLength: 64, passwordMaxLength: 64 });
    expect([p.passwordMinLength, p.passwordMaxLength]).toEqual([64, 64]);
  });

  it('never lets a session idle longer than it may live', () => {
    const p = resolvePolicies({ sessionIdleSeconds: 600, sessionAbsoluteSeconds: 600 });
    expect([p.sessionIdleSeconds, p.sessionAbsoluteSeconds]).toEqual([600, 600]);
    expect(() => resolvePolicies({ sessionIdleSeconds: 601, sessionAbsoluteSeconds: 600 })).toThrow(
      /sessionIdleSeconds must not exceed sessionAbsoluteSeconds/,
    );
  });
});
