import type { MessagingNames } from '@appointments/messaging';
import * as amqp from 'amqplib';

/**
 * Deletes what a test run declared on the broker under its namespace: the domain-events
 * exchange and, for each service, its event queue, its `retryCount` retry queues, its
 * dead-letter queue and its request queue. Missing queues are fine (a test that never
 * started a consumer, an auto-deleted request queue).
 */
export async function deleteAmqpNamespace(amqpUrl: string, names: MessagingNames, services: string[], retryCount: number): Promise<void> {
  if (!names.namespace) throw new Error('refusing to delete the queues of the empty (production) namespace');
  const queues = services.flatMap((service) => [
    names.eventQueue(service),
    ...Array.from({ length: retryCount }, (_, index) => names.retryQueue(service, index + 1)),
    names.deadLetterQueue(service),
    names.rpcQueue(service),
  ]);
  const connection = await amqp.connect(amqpUrl);
  try {
    for (const queue of queues) await deleteIgnoringAbsence(connection, (channel) => channel.deleteQueue(queue));
    await deleteIgnoringAbsence(connection, (channel) => channel.deleteExchange(names.exchange));
    await deleteIgnoringAbsence(connection, (channel) => channel.deleteQueue(names.unrouted));
    await deleteIgnoringAbsence(connection, (channel) => channel.deleteExchange(names.unrouted));
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** A fresh channel per deletion: a 404 from the broker closes the channel it came on. */
async function deleteIgnoringAbsence(connection: amqp.ChannelModel, remove: (channel: amqp.Channel) => Promise<unknown>) {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await remove(channel);
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
    return;
  }
  await channel.close().catch(() => undefined);
}
