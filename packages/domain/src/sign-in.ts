import {
  audit,
  type Login,
  NO_REQUEST,
  type PasswordHolder,
  type Transition,
  touch,
} from './account.js';
import type { RequestContext } from './effects.js';
import { clearFailedLogins } from './throttle.js';

// The sign-in transitions: on the legacy password of an account not yet renewed, or on
// a login's password. The back-off rules they feed are in throttle.ts.

/** A wrong password: counted on the account (legacy) or the login, persisted. */
export function recordFailedLogin<H extends PasswordHolder>(
  holder: H,
  now: Date,
  ctx: RequestContext,
): Transition<H> {
  const next = touch(
    { ...holder, failedLogins: holder.failedLogins + 1, lastFailedLoginAt: now },
    now,
  );
  return {
    account: next,
    effects: [audit('login_failed', holder, now, ctx, { consecutive: next.failedLogins })],
  };
}

/** Support clears the sign-in back-off (and a lock) of an account or a login. */
export function unlock<H extends PasswordHolder>(
  holder: H,
  now: Date,
  actor: string,
): Transition<H> {
  return {
    account: touch(clearFailedLogins(holder), now),
    effects: [
      audit('unlocked', holder, now, NO_REQUEST, {
        actor,
        previousFailures: holder.failedLogins,
      }),
    ],
  };
}

/** A successful password sign-in: failure counter reset, hash upgraded if asked. */
export function recordSignIn(
  login: Login,
  rehashed: string | null,
  now: Date,
  ctx: RequestContext,
): Transition<Login> {
  return {
    account: touch(
      { ...clearFailedLogins(login), passwordHash: rehashed ?? login.passwordHash },
      now,
    ),
    effects: [audit('login_succeeded', login, now, ctx)],
  };
}
