import { defaultPolicies, type Policies, type Ports } from '@renueva/domain';
import { DeterministicSecrets } from './deterministic-secrets.js';
import {
  FakeLegacyVerifier,
  FakePasswordHasher,
  FakePasswordStrength,
  RecordingMailer,
} from './fakes.js';
import { FixedClock } from './fixed-clock.js';
import {
  createMemoryStore,
  type MemoryAccountRepository,
  type MemoryAuditLog,
  type MemoryDeliveryEvents,
  type MemoryOutbox,
  type MemorySessionStore,
} from './memory/index.js';

/** A full set of ports on memory adapters and fast fakes, with concrete types for assertions. */
export interface MemoryPorts extends Ports {
  accounts: MemoryAccountRepository;
  sessions: MemorySessionStore;
  outbox: MemoryOutbox;
  audit: MemoryAuditLog;
  deliveryEvents: MemoryDeliveryEvents;
  clock: FixedClock;
  secrets: DeterministicSecrets;
  hasher: FakePasswordHasher;
  legacy: FakeLegacyVerifier;
  strength: FakePasswordStrength;
  mailer: RecordingMailer;
}

/**
 * Every port on a fresh memory store and the fast fakes: a clock fixed at
 * 2026-03-02T16:00Z, seeded secrets, the default policies. `overrides` replaces any of
 * them (the returned type still names the memory classes: override with care).
 */
export function createMemoryPorts(
  overrides: Partial<Ports> & { policies?: Policies } = {},
): MemoryPorts {
  return {
    ...createMemoryStore(),
    clock: new FixedClock(),
    secrets: new DeterministicSecrets(),
    hasher: new FakePasswordHasher(),
    legacy: new FakeLegacyVerifier(),
    strength: new FakePasswordStrength(),
    mailer: new RecordingMailer(),
    policies: defaultPolicies,
    ...overrides,
  } as MemoryPorts;
}

/** A legacy customer account to seed: its password becomes a `plain:` legacy hash. */
export interface LegacySeed {
  username: string;
  password: string;
  customerNumber: string;
  email: string | null;
}

/**
 * Puts legacy accounts into a repository (a `plain:` legacy hash) through
 * `importLegacy`, as an import would; throws if a row is rejected. Returns the outcome.
 */
export async function seedLegacyAccounts(
  ports: Pick<Ports, 'accounts' | 'clock'>,
  seeds: LegacySeed[],
) {
  async function* rows() {
    for (const [i, s] of seeds.entries())
      yield {
        line: i + 2,
        customerNumber: s.customerNumber,
        username: s.username,
        email: s.email,
        emailValid: s.email !== null && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.email),
        passwordHash: `plain:${s.password}`,
      };
  }
  const outcome = await ports.accounts.importLegacy(rows(), {
    dryRun: false,
    now: ports.clock.now(),
  });
  if (outcome.rejected.length > 0)
    throw new Error(`seed rejected: ${JSON.stringify(outcome.rejected)}`);
  return outcome;
}

/** The code in the newest code email sent to `to` (case-insensitive), from the outbox. */
export function lastCodeFor(outbox: MemoryOutbox, to: string): string | null {
  const messages = outbox.messages().filter((m) => m.email.to.toLowerCase() === to.toLowerCase());
  for (let i = messages.length - 1; i >= 0; i--) {
    const code = messages[i]?.email.secret?.code;
    if (code) return code;
  }
  return null;
}
