// @ts-nocheck
import type { DeliveryEvent } from '../ports.js';
import type { Ports } from './deps.js';

/** What became of a reported event. */
export type DeliveryEventOutcome =
  /** A hard bounce or complaint: no code goes to this address until support sets it again. */
  | 'marked_undeliverable'
  /** A soft bounce: counted, nothing else. */
  | 'counted'
  /** Recorded before (the provider retried the webhook): nothing changed. */
  | 'repeated';

/**
 * Records a bounce or complaint the mail provider reported. Idempotent on the event's
 * id. A hard bounce or complaint makes the address undeliverable (sign-in and recovery
 * send no code to it, and say to contact support) until `setRegisteredEmail` sets it
 * again; a soft bounce is only counted.
 */
export const recordDeliveryEvent =
  (ports: Pick<Ports, 'deliveryEvents' | 'clock'>) =>
  async (event: DeliveryEvent): Promise<DeliveryEventOutcome> => {
    const recorded = await ports.deliveryEvents.record(event, ports.clock.now());
    if (!recorded) return 'repeated';
    return event.kind === 'soft_bounce' ? 'counted' : 'marked_undeliverable';
  };
