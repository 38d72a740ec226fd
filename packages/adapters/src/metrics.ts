import type {
  AccountRepository,
  AccountStatus,
  Clock,
  DeliveryEvents,
  Effect,
  Mailer,
  Ports,
  UseCases,
} from '@renueva/domain';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What the store holds, read on scrape (never per request): the migration funnel and
 * the outbox.
 */
export interface StoreSnapshot {
  accounts: Record<AccountStatus | 'logins', number>;
  outbox: { pending: number; dead: number; oldestPendingAt: Date | null };
}

/** Where the gauges read from when Prometheus scrapes. */
export interface MetricSources {
  store: () => Promise<StoreSnapshot>;
  /** Password hashes running and waiting for a CPU (the `WorkLimiter`). */
  hashQueue: () => { running: number; waiting: number };
  /** The PostgreSQL pool; null on PGlite and the memory store (no pool). */
  pool: {
    totalCount: number;
    idleCount: number;
    waitingCount: number;
    options: { max?: number | undefined };
  } | null;
  clock: Clock;
  /** A store read failed during a scrape: its gauges report NaN in that scrape. */
  onError: (error: unknown) => void;
}

/** One HTTP answer, as the HTTP layer's middleware reports it. */
export interface RequestObservation {
  method: string;
  /** The route pattern that answered (`/api/v1/sessions`), never the raw path; `unmatched` for none. */
  route: string;
  status: number;
  seconds: number;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What a scrape reports when the store could not be read: no value (NaN), not zero. */
const UNKNOWN: StoreSnapshot = {
  accounts: {
    legacy: Number.NaN,
    pending_renewal: Number.NaN,
    migrated: Number.NaN,
    logins: Number.NaN,
  },
  outbox: { pending: Number.NaN, dead: Number.NaN, oldestPendingAt: null },
};

/** The sign-in outcomes present from the start (any other error code appears when it happens). */
const SIGN_IN_OUTCOMES = [
  'signed_in',
  'renewal_started',
  'login_is_email',
  'invalid_credentials',
  'throttled',
  'busy',
  'no_deliverable_email',
];

/** Effects of a save that are worth counting: codes issued, wrong codes, completions. */
const CODE_TEMPLATES = { renewal_code: 'renewal', recovery_code: 'recovery' } as const;

/**
 * The portal's Prometheus metrics (ADR 0010): counters moved where an outcome is
 * observable (the HTTP answer, the sign-in's result, the effects a save wrote, the
 * mailer's result), gauges read from the store on scrape. No label carries an email,
 * a username, an IP or a customer number: every label value comes from a closed set.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly #http = new Histogram({
    name: 'renueva_http_request_duration_seconds',
    help: 'HTTP answers by method, route pattern and status, and how long they took',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly #signIns = new Counter({
    name: 'renueva_sign_ins_total',
    help: 'Sign-in attempts that reached the sign-in use case, by outcome (signed_in, renewal_started, login_is_email, or the error code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #codes = new Counter({
    name: 'renueva_codes_sent_total',
    help: 'Renewal and recovery codes issued and queued for email, by flow',
    labelNames: ['flow'] as const,
    registers: [this.registry],
  });
  readonly #wrongCodes = new Counter({
    name: 'renueva_wrong_codes_total',
    help: 'Wrong codes entered (counted against the code and the account), by flow',
    labelNames: ['flow'] as const,
    registers: [this.registry],
  });
  readonly #renewals = new Counter({
    name: 'renueva_renewals_completed_total',
    help: 'Customer numbers renewed: moved from the legacy username to the email login',
    registers: [this.registry],
  });
  readonly #recoveries = new Counter({
    name: 'renueva_recoveries_completed_total',
    help: 'Password recoveries of a login completed',
    registers: [this.registry],
  });
  readonly #emails = new Counter({
    name: 'renueva_emails_total',
    help: 'Emails handed to the mailer, by template and result (sent, transient, permanent, error)',
    labelNames: ['template', 'result'] as const,
    registers: [this.registry],
  });
  readonly #deliveryEvents = new Counter({
    name: 'renueva_delivery_events_total',
    help: "Bounces and spam complaints the mail provider's webhook reported (each recorded once), by kind",
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly #hashWait = new Histogram({
    name: 'renueva_password_hash_wait_seconds',
    help: 'Time a password hash or verification waited for a free CPU slot',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly #hashRejected = new Counter({
    name: 'renueva_password_hash_rejected_total',
    help: 'Password work refused at once: the queue was full, or the admission gate of the HTTP layer refused before any work (the caller got busy: a 503)',
    registers: [this.registry],
  });

  /** The store read in flight: concurrent scrapes (two Prometheus servers) share one. */
  #snapshot: Promise<StoreSnapshot | null> | null = null;

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    // the expected series exist from the start at 0, so a rate over them is 0, not empty
    for (const outcome of SIGN_IN_OUTCOMES) this.#signIns.inc({ outcome }, 0);
    for (const flow of ['renewal', 'recovery']) {
      this.#codes.inc({ flow }, 0);
      this.#wrongCodes.inc({ flow }, 0);
    }
    for (const kind of ['hard_bounce', 'soft_bounce', 'spam_complaint'])
      this.#deliveryEvents.inc({ kind }, 0);
    const registers = [this.registry];
    // the gauges of one scrape are collected together: they share one read of the store
    const snapshot = () => {
      this.#snapshot ??= sources
        .store()
        .catch((error: unknown) => {
          sources.onError(error);
          return null;
        })
        .finally(() => {
          // the gauges of this scrape hold the promise already; the next scrape reads again
          this.#snapshot = null;
        });
      return this.#snapshot;
    };
    /**
     * A gauge read from the store snapshot. A scrape whose read failed reports NaN (no
     * value: a gap in a graph) rather than a zero that would look like an empty outbox.
     */
    const storeGauge = <L extends string>(
      name: string,
      help: string,
      labelNames: L[],
      values: (s: StoreSnapshot) => [Partial<Record<L, string>>, number][],
    ) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        async collect() {
          const s = (await snapshot()) ?? UNKNOWN;
          for (const [labels, value] of values(s)) this.set(labels, value);
        },
      });
    const statuses = ['legacy', 'pending_renewal', 'migrated'] as const;
    storeGauge(
      'renueva_accounts',
      'Customer accounts by migration status (legacy, pending_renewal, migrated): the funnel',
      ['status'],
      (s) => statuses.map((status) => [{ status }, s.accounts[status]]),
    );
    storeGauge(
      'renueva_logins',
      'Email logins (each opens one or more customer numbers)',
      [],
      (s) => [[{}, s.accounts.logins]],
    );
    storeGauge('renueva_outbox_pending_messages', 'Emails waiting in the outbox', [], (s) => [
      [{}, s.outbox.pending],
    ]);
    storeGauge(
      'renueva_outbox_dead_messages',
      'Emails the outbox gave up on (permanent failure or out of attempts)',
      [],
      (s) => [[{}, s.outbox.dead]],
    );
    storeGauge(
      'renueva_outbox_oldest_pending_age_seconds',
      'Age of the oldest email waiting in the outbox (0 when none waits)',
      [],
      (s) => {
        const oldest = s.outbox.oldestPendingAt;
        const age =
          s === UNKNOWN
            ? Number.NaN
            : oldest
              ? Math.max(0, (sources.clock.now().getTime() - oldest.getTime()) / 1000)
              : 0;
        return [[{}, age]];
      },
    );
    new Gauge({
      name: 'renueva_password_hash_queue_depth',
      help: 'Password hashes and verifications waiting for a free CPU slot',
      registers,
      collect() {
        this.set(sources.hashQueue().waiting);
      },
    });
    new Gauge({
      name: 'renueva_password_hash_running',
      help: 'Password hashes and verifications computing now',
      registers,
      collect() {
        this.set(sources.hashQueue().running);
      },
    });
    const pool = sources.pool;
    if (pool) {
      new Gauge({
        name: 'renueva_db_pool_connections',
        help: 'PostgreSQL pool connections in use (state=active) and idle (state=idle)',
        labelNames: ['state'] as const,
        registers,
        collect() {
          this.set({ state: 'active' }, pool.totalCount - pool.idleCount);
          this.set({ state: 'idle' }, pool.idleCount);
        },
      });
      new Gauge({
        name: 'renueva_db_pool_max_connections',
        help: 'Most connections the PostgreSQL pool opens',
        registers,
        collect() {
          this.set(pool.options.max ?? 10); // pg's default
        },
      });
      new Gauge({
        name: 'renueva_db_pool_waiting_clients',
        help: 'Queries waiting for a free PostgreSQL pool connection',
        registers,
        collect() {
          this.set(pool.waitingCount);
        },
      });
    }
  }

  /** Called by the HTTP layer for every answer. */
  observeRequest(r: RequestObservation): void {
    this.#http.observe(
      {
        method: METHODS.has(r.method) ? r.method : 'other',
        route: r.route,
        status: String(r.status),
      },
      r.seconds,
    );
  }

  /** For the `WorkLimiter`: a hash started after waiting this long, or was refused. */
  readonly passwordWork = {
    waited: (seconds: number) => this.#hashWait.observe(seconds),
    rejected: () => this.#hashRejected.inc(),
  };

  /** The Prometheus text exposition. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** The ports, counting what passes through them: effects of saves, deliveries, provider reports. */
  meterPorts(ports: Ports): Ports {
    const { accounts, mailer, deliveryEvents } = ports;
    const save: AccountRepository['save'] = async (changes) => {
      const saved = await accounts.save(changes);
      if (saved.isOk()) this.#countEffects(changes.effects);
      return saved;
    };
    const send: Mailer['send'] = async (email) => {
      try {
        const result = await mailer.send(email);
        this.#emails.inc({ template: email.template, result: result.status });
        return result;
      } catch (error) {
        this.#emails.inc({ template: email.template, result: 'error' });
        throw error;
      }
    };
    const record: DeliveryEvents['record'] = async (event, at) => {
      const fresh = await deliveryEvents.record(event, at);
      if (fresh) this.#deliveryEvents.inc({ kind: event.kind });
      return fresh;
    };
    return {
      ...ports,
      accounts: override(accounts, { save }),
      mailer: override(mailer, { send }),
      deliveryEvents: override(deliveryEvents, { record }),
    };
  }

  /** The use cases, with the sign-in's outcome counted. */
  meterUseCases(useCases: UseCases): UseCases {
    const { logIn } = useCases;
    return {
      ...useCases,
      logIn: async (input) => {
        const result = await logIn(input);
        this.#signIns.inc({ outcome: result.isOk() ? result.value.kind : result.error.code });
        return result;
      },
    };
  }

  #countEffects(effects: Effect[]): void {
    for (const effect of effects) {
      if (effect.type === 'email') {
        const template = effect.email.template;
        if (template === 'renewal_code' || template === 'recovery_code')
          this.#codes.inc({ flow: CODE_TEMPLATES[template] });
        continue;
      }
      const { action, accountId } = effect.entry;
      if (action === 'code_failed')
        // a renewal's code is on the customer account, a recovery's on the login
        this.#wrongCodes.inc({ flow: accountId ? 'renewal' : 'recovery' });
      else if (action === 'renewal_completed') this.#renewals.inc();
      else if (action === 'recovery_completed') this.#recoveries.inc();
    }
  }
}

/**
 * The snapshot read through the ports alone (the memory store, another service's
 * adapters): every pending outbox entry is listed to find the oldest, so it suits small
 * stores only; the SQL store reads its own through indexes.
 */
export async function portsSnapshot(
  ports: Pick<Ports, 'accounts' | 'outbox'>,
): Promise<StoreSnapshot> {
  const [accounts, outbox, pending] = await Promise.all([
    ports.accounts.countByStatus(),
    ports.outbox.countByStatus(),
    ports.outbox.list({ status: 'pending', limit: Number.MAX_SAFE_INTEGER }),
  ]);
  const oldest = pending.reduce((min, m) => Math.min(min, m.createdAt.getTime()), Infinity);
  return {
    accounts,
    outbox: {
      pending: outbox.pending,
      dead: outbox.dead,
      oldestPendingAt: Number.isFinite(oldest) ? new Date(oldest) : null,
    },
  };
}

/** `target` with some methods replaced; every other member still answers from `target` itself. */
function override<T extends object>(target: T, methods: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (Object.hasOwn(methods, key)) return methods[key as keyof T];
      const value = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
