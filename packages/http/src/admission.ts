import type { Context, MiddlewareHandler } from 'hono';
import type { PasswordWork } from './deps.js';

/** An answer kept as it went out (bytes), to be written again without the app. */
export interface KeptAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

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
  /** Requests refused by a gate whose refusal is the same for everyone (`constant`). */
  const constantRefusals = new WeakSet<Context>();
  /** The first such refusal of each path, as bytes, for `early`. */
  const kept = new Map<string, KeptAnswer>();
  /** Where constant gates stand (full paths), for `prime`. */
  const constantPaths = new Set<string>();
  const full = () => !!work && (inFlight >= work.capacity || work.saturated());
  return {
    /**
     * The gate in front of a route; `refuse` answers when it is full. `constant`: that
     * answer is the same for every request (nothing of the request in it), so it may be
     * kept and served by `early`; `paths`: the full paths it stands in front of, so that
     * `prime` can keep that answer before the first request.
     */
    admit(
      refuse: Refusal,
      { constant = false, paths = [] }: { constant?: boolean; paths?: readonly string[] } = {},
    ): MiddlewareHandler {
      if (!work) return (_c, next) => next();
      if (constant) for (const path of paths) constantPaths.add(path);
      return async (c, next) => {
        const priming = isPriming(c);
        if (priming || full()) {
          if (!priming) work.refused?.();
          if (constant) constantRefusals.add(c);
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
    /**
     * The app's outermost middleware (headers all set by then): keeps the first constant
     * refusal of each path, as it went out.
     */
    keeper(): MiddlewareHandler {
      const keep: MiddlewareHandler = async (c, next) => {
        await next();
        if (!constantRefusals.has(c) || kept.has(c.req.path)) return;
        const body = new Uint8Array(await c.res.clone().arrayBuffer());
        const headers = Object.fromEntries(c.res.headers);
        headers['content-length'] = String(body.byteLength);
        kept.set(c.req.path, { status: c.res.status, headers, body });
      };
      // the gated routes are all POST: any other request passes without an extra await
      return (c, next) => (c.req.method === 'POST' ? keep(c, next) : next());
    },
    /**
     * Keeps the constant refusals before any request (`startServer` calls it before it
     * listens): sends one request per constant gate through `app` with the `PRIMING`
     * env. Else the first burst — 500 clients arriving together — is refused through the
     * whole app until one refusal has been kept (measured: 503 p99 0.2–2.6 s, all of it in
     * the first second).
     */
    async prime(app: {
      request(path: string, init: RequestInit, env: unknown): Response | Promise<Response>;
    }): Promise<void> {
      // JSON, so the API's media-type check (before the gate) lets it through; the gate
      // refuses it before the body is read, and the forms' origin check reads only forms
      const init = { method: 'POST', headers: { 'content-type': 'application/json' } };
      for (const path of constantPaths) if (!kept.has(path)) await app.request(path, init, PRIMING);
    },
    /**
     * For Node's request listener, before the app: the kept refusal of `POST url` when
     * the gate is full now (counted as a refusal), else null (the app decides). Under
     * overload most requests are refused: this way a refusal costs no `Request`, no
     * router, no middleware and no `Response`, only the write.
     */
    early(method: string | undefined, url: string | undefined): KeptAnswer | null {
      if (method !== 'POST' || url === undefined) return null;
      const answer = kept.get(url);
      if (!answer || !full()) return null;
      work?.refused?.();
      return answer;
    },
  };
}
export type HashingGate = ReturnType<typeof hashingGate>;

/**
 * The env of the requests `prime` sends through the app: the gate refuses them as if
 * it were full, and they are counted nowhere (no refusal, no request in the metrics).
 */
export const PRIMING: Readonly<{ priming: true }> = Object.freeze({ priming: true });
export const isPriming = (c: Context): boolean => c.env === PRIMING;

/** The refusal of a full gate: the hasher's `busy`, back in a second. */
export const GATE_FULL = { code: 'busy', retryAfterSeconds: 1 } as const;
