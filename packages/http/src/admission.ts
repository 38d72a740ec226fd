import type { Context, MiddlewareHandler } from 'hono';
import type { PasswordWork } from './deps.js';

/** What a gated route answers when it is full: a 503 with Retry-After, in its own form. */
export type Refusal = (c: Context) => Response | Promise<Response>;

/**
 * The admission gate of the routes that may hash a password (sign-in, and finishing a
 * renewal or a recovery): at most `work.capacity` of them at work at once, counted from
 * the moment each arrives. Past it, or while the hasher is full anyway, a request is
 * refused at once: before its body is read, a rate limit is counted or the store is asked
 * (ADR 0014). The hasher's own `busy` comes only after that work, while hundreds of
 * requests wait for the database pool; refused here, they never reach it.
 *
 * A refusal reveals nothing: it depends on the load, not on who asks. A slot is given
 * back when the route calls `leave` (a sign-in, once its use case is done: waiting for
 * the sign-in floor is a timer, not work) or when it has answered, whatever happened.
 * `work` absent: no gate (the use cases still refuse with `busy`).
 */
export function hashingGate(work: PasswordWork | null | undefined) {
  let inFlight = 0;
  const holders = new WeakMap<Context, () => void>();
  return {
    /** The gate in front of a route; `refuse` answers when it is full. */
    admit(refuse: Refusal): MiddlewareHandler {
      if (!work) return (_c, next) => next();
      return async (c, next) => {
        if (inFlight >= work.capacity || work.saturated()) {
          work.refused?.();
          return refuse(c);
        }
        inFlight++;
        let held = true;
        const leave = () => {
          if (held) inFlight--;
          held = false;
        };
        holders.set(c, leave);
        try {
          await next();
        } finally {
          leave();
        }
      };
    },
    /** Gives this request's slot back early (idempotent; nothing without a slot). */
    leave(c: Context): void {
      holders.get(c)?.();
    },
  };
}
export type HashingGate = ReturnType<typeof hashingGate>;

/** The refusal of a full gate: the hasher's `busy`, back in a second. */
export const GATE_FULL = { code: 'busy', retryAfterSeconds: 1 } as const;
