import type { NotificationSentPayload } from '@appointments/contracts';
import type { DomainEventBatchContext } from '@appointments/messaging';
import type { EntityManager } from 'typeorm';
import type { ChatterLog, NewChatterEntry } from '../../chatter/chatter-log';
import { NotificationOutcomeController } from './notification-outcome.controller';

const EVENT = '5b0c9a4e-8f3c-4d8e-9d55-1f2a3b4c5d6e';

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

/** The controller with the chatter replaced by a recorder and the event lookup answering `EVENT`. */
function harness() {
  const written: NewChatterEntry[][] = [];
  const lookups: unknown[][] = [];
  const chatter = {
    addMany: async (_manager: EntityManager, entries: NewChatterEntry[]) => void written.push(entries),
  } as unknown as ChatterLog;
  const manager = {
    query: async (_sql: string, parameters: unknown[]) => {
      lookups.push(parameters);
      return [{ id: EVENT }];
    },
  } as unknown as EntityManager;
  const context = { manager } as unknown as DomainEventBatchContext;
  return { controller: new NotificationOutcomeController(chatter), written, lookups, context };
}

describe("NotificationOutcomeController (scheduling): a delivery goes into the chatter, a reminder's does not", () => {
  it.each([
    ['a confirmation', [sent('n1', 'confirmation')], ['sent:n1']],
    ['a reminder (its line was written when it was let go)', [sent('n2', 'reminder', REMINDER)], []],
    [
      'a batch of both: only the confirmation',
      [sent('n3', 'reminder', REMINDER), sent('n4', 'rsvp_request'), sent('n5', 'reminder', REMINDER)],
      ['sent:n4'],
    ],
  ])('%s', async (_case, outcomes, sourceIds) => {
    const { controller, written, lookups, context } = harness();
    await controller.onSent(outcomes, context);
    expect(written.flat().map((entry) => entry.sourceId)).toEqual(sourceIds);
    // Nothing to write, nothing read either.
    expect(lookups).toHaveLength(sourceIds.length === 0 ? 0 : 1);
  });

  it('words the line with the type, the channel and the address', async () => {
    const { controller, written, context } = harness();
    await controller.onSent([sent('n1', 'confirmation')], context);
    expect(written.flat()[0]).toMatchObject({
      eventId: EVENT,
      kind: 'notification_sent',
      body: 'Confirmation sent by email to Ann Lee (ann@example.com)',
    });
  });
});
