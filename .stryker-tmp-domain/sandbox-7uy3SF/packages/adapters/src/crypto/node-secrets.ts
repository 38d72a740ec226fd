import {
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import type { Secrets } from '@renueva/domain';

/** Separate keys for separate purposes, all derived from the one server secret. */
export function deriveKey(serverSecret: string, purpose: 'hmac' | 'outbox-encryption'): Buffer {
  if (serverSecret.length < 32) throw new Error('the server secret must be at least 32 characters');
  return Buffer.from(hkdfSync('sha256', serverSecret, 'renueva', purpose, 32));
}

/** CSPRNG codes and tokens; HMAC-SHA256 under the server secret; constant-time checks. */
export class NodeSecrets implements Secrets {
  readonly #key: Buffer;

  constructor(serverSecret: string) {
    this.#key = deriveKey(serverSecret, 'hmac');
  }

  code(digits: number): string {
    // randomInt is uniform over [0, max): no modulo bias
    return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
  }

  token(): string {
    return randomBytes(32).toString('base64url');
  }

  uuid(): string {
    return randomUUID();
  }

  mac(value: string): string {
    return createHmac('sha256', this.#key).update(value, 'utf8').digest('hex');
  }

  matches(value: string, expectedHash: string): boolean {
    const actual = Buffer.from(this.mac(value), 'hex');
    const expected = Buffer.from(expectedHash, 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
