import type { MigratedAccount } from '../account.js';
import type { DomainError } from '../errors.js';
import type { Session } from '../ports.js';
import { Err, Ok, type Result } from '../result.js';
import type { Ports } from './deps.js';

type SessionPorts = Pick<Ports, 'sessions' | 'secrets' | 'clock' | 'policies'>;

/** Creates a session; the token goes to the client, only its hash is stored. */
export async function startSession(
  ports: SessionPorts,
  accountId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const now = ports.clock.now();
  const token = ports.secrets.token();
  const expiresAt = new Date(now.getTime() + ports.policies.sessionAbsoluteSeconds * 1000);
  await ports.sessions.create({
    idHash: ports.secrets.hash(token),
    accountId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
  });
  return { token, expiresAt };
}

export interface ValidSession {
  account: MigratedAccount;
  session: Session;
}

/**
 * Resolves a session token to its migrated account, sliding the idle timeout. Expired
 * (idle or absolute) sessions are deleted and answer `session_invalid`.
 */
export const validateSession =
  (ports: SessionPorts & Pick<Ports, 'accounts'>) =>
  async (input: { token: string }): Promise<Result<ValidSession, DomainError>> => {
    const { sessions, secrets, clock, policies: p } = ports;
    if (!input.token) return Err({ code: 'session_invalid' });
    const idHash = secrets.hash(input.token);
    const session = await sessions.get(idHash);
    if (!session) return Err({ code: 'session_invalid' });
    const now = clock.now();
    const idle = now.getTime() - session.lastSeenAt.getTime() >= p.sessionIdleSeconds * 1000;
    const account =
      now >= session.expiresAt || idle ? null : await ports.accounts.findById(session.accountId);
    if (account?.status !== 'migrated' || account.passwordChangedAt > session.createdAt) {
      await sessions.delete(idHash);
      return Err({ code: 'session_invalid' });
    }
    await sessions.touch(idHash, now);
    return Ok({ account, session: { ...session, lastSeenAt: now } });
  };

/** Ends a session. Idempotent: an unknown token is fine. */
export const logOut =
  (ports: Pick<Ports, 'sessions' | 'secrets'>) =>
  async (input: { token: string }): Promise<Result<void, DomainError>> => {
    if (input.token) await ports.sessions.delete(ports.secrets.hash(input.token));
    return Ok(undefined);
  };
