import type { NotificationFailedPayload, NotificationSentPayload } from '@appointments/contracts';
import type { EntityManager } from 'typeorm';
import type { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { InMemoryChatterEntriesRepository } from '../../persistence/chatter-entries.repository.fake';
import type { CustomerEntity } from '../../persistence/customer.entity';
import { InMemoryCustomersRepository } from '../../persistence/customers.repository.fake';
import type { EventEntity } from '../../persistence/event.entity';
import type { EventsRepository } from '../../persistence/events.repository';
import { InMemoryEventsRepository } from '../../persistence/events.repository.fake';
import { RecordNotificationOutcomes } from './record-notification-outcomes';

const EVENT = '5b0c9a4e-8f3c-4d8e-9d55-1f2a3b4c5d6e';
const CUSTOMER = '0d6f3a2b-1c4e-4f5a-8b9c-7d6e5f4a3b2c';

function sent(
  notificationId: string,
  type: NotificationSentPayload['type'],
  reminder?: NotificationSentPayload['reminder'],
): NotificationSentPayload {
  return {
    notificationId,
    requestId: `r-${notificationId}`,
    eventId: EVENT,
    type,
    channel: 'email',
    to: 'ann@example.com',
    recipientName: 'Ann Lee',
    provider: 'local-sink',
    providerMessageId: `m-${notificationId}`,
    sentAt: '2027-01-01T10:00:00.000Z',
    ...(reminder ? { reminder } : {}),
  };
}

const REMINDER = { reminderId: 'rem-1', configKey: 'day_before', offsetMinutes: 1440 } as NotificationSentPayload['reminder'];

/** The use case over in-memory repositories holding one event, `EVENT`. */
function harness() {
  const customers = new InMemoryCustomersRepository([{ id: CUSTOMER, name: 'Ann Lee' } as CustomerEntity]);
  const events = new InMemoryEventsRepository(customers, [{ id: EVENT, customerId: CUSTOMER } as EventEntity]);
  const chatter = new InMemoryChatterEntriesRepository();
  const lookups = jest.spyOn(events, 'existingIds');
  const useCase = new RecordNotificationOutcomes(events as unknown as EventsRepository, chatter as unknown as ChatterEntriesRepository);
  const manager = {} as EntityManager;
  return {
    onSent: (outcomes: NotificationSentPayload[]) =>
      useCase.execute(
        outcomes.map((sent) => ({ sent })),
        manager,
      ),
    onFailed: (outcomes: NotificationFailedPayload[]) =>
      useCase.execute(
        outcomes.map((failed) => ({ failed })),
        manager,
      ),
    chatter,
    lookups,
  };
}

describe("RecordNotificationOutcomes: a delivery goes into the chatter, a reminder's does not", () => {
  it.each([
    ['a confirmation', [sent('n1', 'confirmation')], ['sent:n1']],
    ['a reminder (its line was written when it was let go)', [sent('n2', 'reminder', REMINDER)], []],
    [
      'a batch of both: only the confirmation',
      [sent('n3', 'reminder', REMINDER), sent('n4', 'rsvp_request'), sent('n5', 'reminder', REMINDER)],
      ['sent:n4'],
    ],
  ])('%s', async (_case, outcomes, sourceIds) => {
    const { onSent, chatter, lookups } = harness();
    await onSent(outcomes);
    expect(chatter.entries.map((entry) => entry.sourceId)).toEqual(sourceIds);
    // Nothing to write, nothing read either.
    expect(lookups).toHaveBeenCalledTimes(sourceIds.length === 0 ? 0 : 1);
  });

  it('words the line with the type, the channel and the address', async () => {
    const { onSent, chatter } = harness();
    await onSent([sent('n1', 'confirmation')]);
    expect(chatter.entries[0]).toMatchObject({
      eventId: EVENT,
      kind: 'notification_sent',
      body: 'Confirmation sent by email to Ann Lee (ann@example.com)',
    });
  });

  it('drops an outcome for an event that no longer exists, and words a failure with its reason', async () => {
    const { onFailed, chatter } = harness();
    const { provider: _provider, providerMessageId: _id, sentAt: _at, ...outcome } = sent('n6', 'rsvp_request');
    await onFailed([
      { ...outcome, status: 'bounced', reason: 'mailbox full' },
      { ...outcome, notificationId: 'n7', eventId: '8c1d2e3f-4a5b-4c6d-9e7f-0a1b2c3d4e5f', status: 'failed', reason: 'gone' },
    ]);
    expect(chatter.entries.map((entry) => [entry.sourceId, entry.body])).toEqual([
      ['failed:n6', 'RSVP request by email to Ann Lee (ann@example.com) bounced: mailbox full'],
    ]);
  });
});
