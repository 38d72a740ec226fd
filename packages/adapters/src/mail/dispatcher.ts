import type { DeliveryReport } from '@renueva/domain';

export interface DispatcherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Dispatcher {
  /** Run now (e.g. right after a code was queued) instead of waiting for the next tick. */
  kick(): void;
  /** Stops the loop and waits for a run in progress. */
  stop(): Promise<void>;
}

/** The longest wait between runs while the store keeps failing. */
export const MAX_DISPATCH_BACKOFF_MS = 60_000;

/**
 * Runs the outbox delivery every `intervalMs` (and on `kick`), never two runs at once
 * in this process (other processes are kept apart by the outbox's leases). When a run
 * fails (the store is down) the wait doubles up to `maxBackoffMs`, and the failure is
 * logged once, not every tick; the first run that works again says so and the normal
 * interval resumes.
 */
export function startDispatcher(options: {
  deliver: () => Promise<DeliveryReport>;
  intervalMs: number;
  logger: DispatcherLogger;
  maxBackoffMs?: number;
}): Dispatcher {
  const maxBackoff = Math.max(options.intervalMs, options.maxBackoffMs ?? MAX_DISPATCH_BACKOFF_MS);
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (stopped) return;
    const delay = Math.min(options.intervalMs * 2 ** failures, maxBackoff);
    timer = setTimeout(() => void run(), delay);
    timer.unref();
  };

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    if (timer) clearTimeout(timer);
    running = (async () => {
      do {
        again = false;
        try {
          const report = await options.deliver();
          if (failures > 0) options.logger.info({ failures }, 'outbox delivery works again');
          failures = 0;
          if (report.sent + report.retried + report.dead > 0)
            options.logger.info({ ...report }, 'outbox delivery');
        } catch (error) {
          if (failures === 0)
            options.logger.warn(
              { err: error },
              'outbox delivery failed; retrying with backoff until it works again',
            );
          failures++;
          again = false; // a kick while failing waits for the backoff too
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      schedule();
    });
    return running;
  };

  schedule();
  return {
    kick: () => {
      if (failures === 0) void run();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
