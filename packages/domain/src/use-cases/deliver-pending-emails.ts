import type { Ports } from './deps.js';

/** What one delivery round did with the messages it claimed. */
export interface DeliveryReport {
  sent: number;
  retried: number;
  dead: number;
}

/** How long a claimed message is reserved for this dispatcher. */
const LEASE_SECONDS = 60;
/**
 * A send is started only while this much of the lease is left: a send (the mailer's own
 * timeout is shorter: Postmark's is 10 s) then ends before another dispatcher may claim
 * the message, so only a crash between the provider's accept and `markSent` sends twice.
 */
const SEND_MARGIN_SECONDS = 20;

/**
 * Delivers due outbox messages once (at least once: see docs/operations.md): sent ones are marked (their secrets erased),
 * transient failures retried with exponential backoff, permanent failures and
 * messages out of attempts marked dead. Safe to run in several processes at once.
 */
export const deliverPendingEmails =
  (ports: Pick<Ports, 'outbox' | 'mailer' | 'clock' | 'policies'>) =>
  async (input: { limit: number }): Promise<DeliveryReport> => {
    const { outbox, mailer, clock, policies: p } = ports;
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000);
    const claimed = await outbox.claim(now, leaseUntil, input.limit);
    const report: DeliveryReport = { sent: 0, retried: 0, dead: 0 };
    for (const message of claimed) {
      // the rest of the batch waits for its lease to run out and the next claim
      if (clock.now().getTime() > leaseUntil.getTime() - SEND_MARGIN_SECONDS * 1000) break;
      const result = await mailer.send(message.email).catch((error: unknown) => ({
        status: 'transient' as const,
        reason: error instanceof Error ? error.message : String(error),
      }));
      const at = clock.now();
      if (result.status === 'sent') {
        await outbox.markSent(message.id, at, result.providerId);
        report.sent++;
      } else if (result.status === 'permanent' || message.attempts + 1 >= p.emailMaxAttempts) {
        await outbox.markDead(message.id, result.reason, at);
        report.dead++;
      } else {
        const delay = p.emailRetryBaseSeconds * 2 ** message.attempts * 1000;
        await outbox.markRetry(message.id, result.reason, new Date(at.getTime() + delay));
        report.retried++;
      }
    }
    return report;
  };
