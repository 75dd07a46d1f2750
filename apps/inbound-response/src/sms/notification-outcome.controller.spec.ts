import type { NotificationFailedPayload, ReplyTargetOpenedPayload } from '@appointments/contracts';
import type { DomainEventBatchContext } from '@appointments/messaging';
import type { EntityManager } from 'typeorm';
import { NotificationOutcomeController } from './notification-outcome.controller';
import type { ReplyTargets } from './reply-targets';

function failed(notificationId: string, channel: 'sms' | 'email'): NotificationFailedPayload {
  return {
    notificationId,
    requestId: notificationId,
    eventId: 'e',
    type: 'rsvp_request',
    channel,
    to: 'x',
    recipientName: 'Jane',
    status: 'undelivered',
    reason: 'carrier',
  };
}

/** The controller with its copy of the reply targets replaced by a recorder. */
function harness() {
  const calls: { method: string; args: unknown[] }[] = [];
  const replyTargets = {
    keep: async (...args: unknown[]) => void calls.push({ method: 'keep', args }),
    close: async (...args: unknown[]) => void calls.push({ method: 'close', args }),
  } as unknown as ReplyTargets;
  const manager = {} as EntityManager;
  const context = { manager } as unknown as DomainEventBatchContext;
  const controller = new NotificationOutcomeController(replyTargets);
  return { controller, calls, manager, context };
}

describe('NotificationOutcomeController: the copy of the reply targets follows dispatch', () => {
  it('keeps the opened targets in the consumer transaction', async () => {
    const opened = [{ target: {}, providerMessageId: null, sentAt: '2027-01-01T10:00:00Z' }] as unknown as ReplyTargetOpenedPayload[];
    const { controller, calls, manager, context } = harness();
    await controller.onOpened(opened, context);
    expect(calls).toEqual([{ method: 'keep', args: [manager, opened] }]);
  });

  it('closes the targets of failed SMS only (an email has none)', async () => {
    const { controller, calls, manager, context } = harness();
    await controller.onFailed([failed('n-sms-1', 'sms'), failed('n-email', 'email'), failed('n-sms-2', 'sms')], context);
    expect(calls).toEqual([{ method: 'close', args: [manager, ['n-sms-1', 'n-sms-2']] }]);
  });
});
