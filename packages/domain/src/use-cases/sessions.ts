import type { AuditEntry } from '../effects.js';
import type { DomainError } from '../errors.js';
import type { Session } from '../ports.js';
import { Err, Ok, type Result } from '../result.js';
import type { Ports } from './deps.js';

type SessionPorts = Pick<Ports, 'sessions' | 'secrets' | 'clock' | 'policies'>;

/** Creates a session on one of a login's customer numbers; only the token's hash is stored. */
export async function startSession(
  ports: SessionPorts,
  loginId: string,
  customerNumber: string,
  audit: AuditEntry[],
): Promise<{ token: string; expiresAt: Date }> {
  const now = ports.clock.now();
  const token = ports.secrets.token();
  const expiresAt = new Date(now.getTime() + ports.policies.sessionAbsoluteSeconds * 1000);
  await ports.sessions.create(
    {
      idHash: ports.secrets.mac(token),
      loginId,
      customerNumber,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    },
    audit,
  );
  return { token, expiresAt };
}

/** A live session: what other billing services need to serve the signed-in customer. */
export interface ValidSession {
  /** The login signed in (never its password hash or codes). */
  login: { id: string; email: string };
  /** Every customer number the login opens, sorted. */
  customerNumbers: string[];
  /** The one the customer is working on: always one of `customerNumbers`. */
  customerNumber: string;
  session: Session;
}

/**
 * Resolves a session token to its login and customer numbers, sliding the idle timeout.
 * Expired (idle or absolute) sessions, and sessions older than the login's last password
 * change, are deleted and answer `session_invalid`.
 */
export const validateSession =
  (ports: SessionPorts & Pick<Ports, 'accounts'>) =>
  async (input: { token: string }): Promise<Result<ValidSession, DomainError>> => {
    const { sessions, secrets, clock, policies: p } = ports;
    if (!input.token || input.token.length > 200) return Err({ code: 'session_invalid' });
    const idHash = secrets.mac(input.token);
    const session = await sessions.get(idHash);
    if (!session) return Err({ code: 'session_invalid' });
    const now = clock.now();
    const idle = now.getTime() - session.lastSeenAt.getTime() >= p.sessionIdleSeconds * 1000;
    const login =
      now >= session.expiresAt || idle ? null : await ports.accounts.findLogin(session.loginId);
    if (
      !login ||
      login.passwordChangedAt > session.createdAt ||
      login.customerNumbers.length === 0
    ) {
      await sessions.delete(idHash);
      return Err({ code: 'session_invalid' });
    }
    await sessions.touch(idHash, now);
    const customerNumbers = [...login.customerNumbers];
    const customerNumber = customerNumbers.includes(session.customerNumber)
      ? session.customerNumber
      : (customerNumbers[0] as string);
    return Ok({
      login: { id: login.id, email: login.email },
      customerNumbers,
      customerNumber,
      session: { ...session, customerNumber, lastSeenAt: now },
    });
  };

/**
 * Switches a live session to another customer number of its login. `not_found` when
 * the login does not open that number (nothing changes).
 */
export const selectCustomerNumber =
  (ports: SessionPorts & Pick<Ports, 'accounts'>) =>
  async (input: {
    token: string;
    customerNumber: string;
  }): Promise<Result<ValidSession, DomainError>> => {
    const valid = await validateSession(ports)({ token: input.token });
    if (valid.isErr()) return valid;
    const wanted = input.customerNumber.trim();
    if (!valid.value.customerNumbers.includes(wanted)) return Err({ code: 'not_found' });
    await ports.sessions.selectCustomerNumber(valid.value.session.idHash, wanted);
    return Ok({
      ...valid.value,
      customerNumber: wanted,
      session: { ...valid.value.session, customerNumber: wanted },
    });
  };

/** Ends a session. Idempotent: an unknown token is fine. */
export const logOut =
  (ports: Pick<Ports, 'sessions' | 'secrets'>) =>
  async (input: { token: string }): Promise<Result<void, DomainError>> => {
    if (input.token) await ports.sessions.delete(ports.secrets.mac(input.token));
    return Ok(undefined);
  };
