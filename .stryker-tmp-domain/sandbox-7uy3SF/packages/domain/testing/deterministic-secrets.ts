import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '@renueva/domain';

/**
 * Predictable randomness for tests: codes and tokens come from a seeded generator
 * (so runs repeat), hashes are a real keyed HMAC (so a hash never equals its input).
 */
export class DeterministicSecrets implements Secrets {
  #state: number;
  /** Every code handed out, oldest first. */
  readonly codes: string[] = [];

  constructor(seed = 42) {
    this.#state = seed >>> 0 || 1;
  }

  #next(): number {
    // xorshift32: small, deterministic, good enough to vary test values
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }

  code(digits: number): string {
    let code = '';
    for (let i = 0; i < digits; i++) code += String(this.#next() % 10);
    this.codes.push(code);
    return code;
  }

  token(): string {
    const words = Array.from({ length: 8 }, () => this.#next().toString(16).padStart(8, '0'));
    return Buffer.from(words.join(''), 'hex').toString('base64url');
  }

  uuid(): string {
    const hex = Array.from({ length: 4 }, () => this.#next().toString(16).padStart(8, '0')).join(
      '',
    );
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  mac(value: string): string {
    return createHmac('sha256', 'test-secret').update(value).digest('hex');
  }

  matches(value: string, expectedHash: string): boolean {
    const actual = Buffer.from(this.mac(value));
    const expected = Buffer.from(expectedHash);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
