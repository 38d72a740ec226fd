import { createHash } from 'node:crypto';
import {
  type DeliveryResult,
  type EmailMessage,
  Err,
  type HasherBusy,
  type LegacyPasswordVerifier,
  type Mailer,
  Ok,
  type PasswordHasher,
  type PasswordStrength,
  type Result,
} from '@renueva/domain';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A fast stand-in for argon2 (tests only): `fake$<sha256>`. */
export class FakePasswordHasher implements PasswordHasher {
  /** Set to make every call answer busy, as a saturated argon2 queue would. */
  busy = false;
  readonly dummyHash = `fake$${sha256('dummy password')}`;
  /** How many verifications ran (unknown users must pay one too). */
  verifications = 0;

  async hash(password: string): Promise<Result<string, HasherBusy>> {
    if (this.busy) return Err({ code: 'busy', retryAfterSeconds: 1 });
    return Ok(`fake$${sha256(password)}`);
  }

  async verify(hash: string, password: string): Promise<Result<boolean, HasherBusy>> {
    if (this.busy) return Err({ code: 'busy', retryAfterSeconds: 1 });
    this.verifications++;
    return Ok(hash === `fake$${sha256(password)}`);
  }

  needsRehash(hash: string): boolean {
    return !hash.startsWith('fake$');
  }
}

/** Fast legacy schemes for tests: `plain:`, `md5:`, `sha1:`, `sha256:`. */
export class FakeLegacyVerifier implements LegacyPasswordVerifier {
  recognizes(stored: string): boolean {
    return /^(plain:.+|md5:[0-9a-f]{32}|sha1:[0-9a-f]{40}|sha256:[0-9a-f]{64}|wrapped-fake:[0-9a-f]{64})$/i.test(
      stored,
    );
  }

  /** Every scheme of this fake is fast, save `wrapped-fake:` (argon2id in production). */
  checkedAtOnce(stored: string): boolean {
    return !(this.recognizes(stored) && stored.startsWith('wrapped-fake:'));
  }

  async verify(stored: string, password: string): Promise<Result<boolean, HasherBusy>> {
    if (!this.recognizes(stored)) return Ok(false);
    const [scheme, value] = [
      stored.slice(0, stored.indexOf(':')),
      stored.slice(stored.indexOf(':') + 1),
    ];
    if (scheme === 'wrapped-fake')
      return Ok(
        [
          `md5:${digest('md5', password)}`,
          `sha1:${digest('sha1', password)}`,
          `sha256:${sha256(password)}`,
          `plain:${password}`,
        ].some((weak) => sha256(weak) === value),
      );
    if (scheme === 'plain') return Ok(value === password);
    return Ok(digest(scheme, password) === value.toLowerCase());
  }

  /** `wrapped-fake:<sha256 of the weak hash>` (lower-case hex digests): fast, tests only. */
  async wrap(stored: string): Promise<Result<string | null, HasherBusy>> {
    if (!this.recognizes(stored) || stored.startsWith('wrapped-fake:')) return Ok(null);
    const normalized = stored.startsWith('plain:') ? stored : stored.toLowerCase();
    return Ok(`wrapped-fake:${sha256(normalized)}`);
  }
}

const digest = (algorithm: string, s: string) => createHash(algorithm).update(s).digest('hex');

/** Rejects a few well-known passwords, like zxcvbn would (tests only). */
export class FakePasswordStrength implements PasswordStrength {
  static readonly common = [
    'contraseña123',
    'password1234',
    'qwertyuiop12',
    '123456789012',
    'aaaaaaaaaaaa',
  ];

  check(password: string): { acceptable: true } | { acceptable: false; feedback: string | null } {
    return FakePasswordStrength.common.includes(password.toLowerCase())
      ? { acceptable: false, feedback: 'Es una contraseña muy común.' }
      : { acceptable: true };
  }
}

/** Records what it is asked to send; `failNext` scripts failures. */
export class RecordingMailer implements Mailer {
  readonly sent: EmailMessage[] = [];
  readonly #failures: DeliveryResult[] = [];

  failNext(
    times: number,
    result: DeliveryResult = { status: 'transient', reason: 'HTTP 503' },
  ): void {
    for (let i = 0; i < times; i++) this.#failures.push(result);
  }

  async send(email: EmailMessage): Promise<DeliveryResult> {
    const failure = this.#failures.shift();
    if (failure) return failure;
    this.sent.push(structuredClone(email));
    return { status: 'sent', providerId: `rec-${this.sent.length}` };
  }
}
