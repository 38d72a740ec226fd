import { audit, type Login, type Transition, touch } from './account.js';
import { type IssuedCode, newChallenge } from './challenge.js';
import type { EmailMessage, RequestContext } from './effects.js';
import type { Policies } from './policies.js';
import { codeEmail } from './renewal.js';
import { clearFailedLogins, sendsInLastHour } from './throttle.js';

/** Starts (or restarts with a new code) a password recovery on a login. */
export function startRecovery(
  login: Login,
  issued: IssuedCode,
  now: Date,
  ctx: RequestContext,
  p: Policies,
): Transition<Login> {
  const recovery = newChallenge(issued, login.recovery, now, p);
  const next: Login = touch(
    { ...login, recovery, recentSends: [...sendsInLastHour(login, now), now] },
    now,
  );
  const email = codeEmail(
    'recovery_code',
    login.email,
    login.customerNumbers,
    issued,
    recovery.expiresAt,
    now,
    ctx,
  );
  return {
    account: next,
    effects: [{ type: 'email', email }, audit('recovery_requested', login, now, ctx)],
  };
}

/**
 * The right recovery code and an acceptable new password: the login's password changes
 * (for every customer number it opens) and its back-off ends. The caller ends its sessions.
 */
export function completePasswordChange(
  login: Login,
  passwordHash: string,
  now: Date,
  ctx: RequestContext,
): Transition<Login> {
  const next: Login = touch(
    clearFailedLogins({ ...login, passwordHash, passwordChangedAt: now, recovery: null }),
    now,
  );
  const email: EmailMessage = {
    template: 'password_changed',
    to: login.email,
    locale: 'es-MX',
    data: { customerNumbers: [...login.customerNumbers], requestedAt: now, requestIp: ctx.ip },
  };
  return {
    account: next,
    effects: [{ type: 'email', email }, audit('recovery_completed', login, now, ctx)],
  };
}
