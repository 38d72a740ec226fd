// A billing service bringing its own ports: node:crypto for secrets and password hashes,
// its legacy portal's hash scheme, its own mailer and password rules. The store is the
// in-memory one of `@renueva/domain/testing/memory`: put your database's adapters in its
// place and prove them with the contract suites (see "Testing your adapters").
import {
  createHash,
  createHmac,
  randomBytes,
  randomInt,
  randomUUID,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import {
  createUseCases,
  type DeliveryResult,
  type EmailMessage,
  Ok,
  type PasswordHasher,
  type Ports,
  type RawImportRow,
  resolvePolicies,
  type Secrets,
} from '@renueva/domain';
import { createMemoryStore } from '@renueva/domain/testing/memory';

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Codes, tokens and HMACs under the server's secret. */
class NodeSecrets implements Secrets {
  readonly #key: string;
  constructor(key: string) {
    this.#key = key;
  }
  code = (digits: number) => Array.from({ length: digits }, () => randomInt(10)).join('');
  token = () => randomBytes(32).toString('base64url');
  uuid = () => randomUUID();
  mac = (value: string) => createHmac('sha256', this.#key).update(value).digest('hex');
  matches = (value: string, expectedHash: string) => sameText(this.mac(value), expectedHash);
}

/** scrypt from node:crypto; a production service would rather use argon2id. */
class ScryptPasswordHasher implements PasswordHasher {
  readonly dummyHash = this.#hash('not anyone’s password');
  #hash(password: string, salt = randomBytes(16).toString('hex')): string {
    return `scrypt$${salt}$${scryptSync(password, salt, 32).toString('hex')}`;
  }
  hash = async (password: string) => Ok(this.#hash(password));
  verify = async (hash: string, password: string) => {
    const [scheme, salt] = hash.split('$');
    return Ok(scheme === 'scrypt' && !!salt && sameText(this.#hash(password, salt), hash));
  };
  needsRehash = (hash: string) => !hash.startsWith('scrypt$');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Sends through the service's email provider; here it keeps what it sends. */
class ProviderMailer {
  readonly sent: EmailMessage[] = [];
  send = async (email: EmailMessage): Promise<DeliveryResult> => {
    this.sent.push(email);
    return { status: 'sent', providerId: `msg-${this.sent.length}` };
  };
}

/** Wires the ports and takes one customer from the legacy username to the email login. */
export async function main() {
  const mailer = new ProviderMailer();
  const ports: Ports = {
    ...createMemoryStore(),
    hasher: new ScryptPasswordHasher(),
    // the legacy portal stored unsalted SHA-256 hashes, tagged `sha256:`
    legacy: {
      recognizes: (stored) => /^sha256:[0-9a-f]{64}$/.test(stored),
      verify: async (stored, password) => Ok(sameText(stored, `sha256:${sha256(password)}`)),
      // a digest is checked at once: each sign-in also pays the hasher's dummy check
      checkedAtOnce: () => true,
      // no wrapping at rest here: the digests stay until each customer renews
      wrap: async () => Ok(null),
    },
    strength: {
      check: (password) =>
        ['contraseña123', 'password1234'].includes(password.toLowerCase())
          ? { acceptable: false, feedback: 'Es una contraseña muy común.' }
          : { acceptable: true },
    },
    clock: { now: () => new Date() },
    secrets: new NodeSecrets('a server secret, 32 characters or more'),
    mailer,
    policies: resolvePolicies({ codeLifetimeSeconds: 900 }),
  };
  const useCases = createUseCases(ports);
  const context = { ip: '203.0.113.7', userAgent: 'example' };

  // 1. Legacy accounts come in through the import, validated row by row.
  async function* rows(): AsyncIterable<RawImportRow> {
    yield {
      line: 2,
      customer_number: '2242455',
      username: 'dbarronrmz1',
      email: 'Diego.Barron@example.mx',
      password_hash: `sha256:${sha256('Gasolina2019')}`,
    };
  }
  const imported = await useCases.importLegacyAccounts({ rows: rows(), dryRun: false });

  // 2. The legacy username and password start the renewal: a code is emailed
  //    (written to the outbox with the account, then delivered by the mailer).
  const started = (
    await useCases.logIn({ identifier: 'DBarronRmz1', password: 'Gasolina2019', context })
  ).unwrap();
  if (started.kind !== 'renewal_started') throw new Error(`unexpected ${started.kind}`);
  await useCases.deliverPendingEmails({ limit: 10 });
  const code = mailer.sent.at(-1)?.secret?.code ?? '';

  // 3. The code and a new password: the customer number now belongs to the email login.
  const password = 'una frase bastante larga';
  const renewed = (
    await useCases.completeRenewal({
      flowToken: started.flowToken,
      code,
      newPassword: password,
      confirmation: password,
      context,
    })
  ).unwrap();

  // 4. The email signs in; other services resolve the session token to the login.
  const signedIn = (
    await useCases.logIn({ identifier: renewed.loginEmail, password, context })
  ).unwrap();
  if (signedIn.kind !== 'signed_in') throw new Error(`unexpected ${signedIn.kind}`);
  const session = (await useCases.validateSession({ token: signedIn.sessionToken })).unwrap();

  return {
    imported: imported.inserted,
    maskedEmail: started.maskedEmail,
    login: session.login.email,
    customerNumbers: session.customerNumbers,
  };
}
