import type { Channel } from 'amqplib';
import { MessagingNames } from './naming';

/**
 * Declares the domain-events exchange exactly as every publisher and consumer expects it
 * (arguments must match everywhere): a durable topic exchange whose alternate exchange
 * keeps, in `<ns>domain-events.unrouted`, any event published before a queue was bound
 * for its type, so that a fresh system never drops an event silently.
 */
export async function assertDomainEventsExchange(channel: Channel, names: MessagingNames): Promise<void> {
  await channel.assertExchange(names.unrouted, 'fanout', { durable: true });
  await channel.assertQueue(names.unrouted, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-max-length': 100_000, 'x-overflow': 'drop-head' },
  });
  await channel.bindQueue(names.unrouted, names.unrouted, '');
  await channel.assertExchange(names.exchange, 'topic', { durable: true, alternateExchange: names.unrouted });
}
