import type { DeliveryReport } from '@renueva/domain';

export interface DispatcherLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Dispatcher {
  /** Run now (e.g. right after a code was queued) instead of waiting for the next tick. */
  kick(): void;
  /** Stops the loop and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs the outbox delivery every `intervalMs` (and on `kick`), never two runs at once
 * in this process (other processes are kept apart by the outbox's leases). Errors are
 * logged and the loop goes on.
 */
export function startDispatcher(options: {
  deliver: () => Promise<DeliveryReport>;
  intervalMs: number;
  logger: DispatcherLogger;
}): Dispatcher {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const report = await options.deliver();
          if (report.sent + report.retried + report.dead > 0)
            options.logger.info({ ...report }, 'outbox delivered');
        } catch (error) {
          options.logger.error({ err: error }, 'outbox delivery failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    kick: () => void run(),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
