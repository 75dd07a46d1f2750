import type { NotificationFailedPayload, ReplyTargetOpenedPayload } from '@appointments/contracts';
import type { DomainEventBatchContext } from '@appointments/messaging';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { NotificationOutcomeController } from './notification-outcome.controller';
import type { ReplyTargets } from './reply-targets';

function failed(notificationId: string, channel: 'sms' | 'email'): NotificationFailedPayload {
  return { notificationId, requestId: notificationId, eventId: 'e', type: 'rsvp_request', channel, to: 'x', recipientName: 'Jane', status: 'undelivered', reason: 'carrier' };
}

/** The controller with its copy of the reply targets replaced by a recorder. */
function harness(options: { pruneDue?: boolean } = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const replyTargets = {
    keep: async (...args: unknown[]) => void calls.push({ method: 'keep', args }),
    close: async (...args: unknown[]) => void calls.push({ method: 'close', args }),
    claimPrune: () => options.pruneDue ?? false,
    prune: async (...args: unknown[]) => {
      calls.push({ method: 'prune', args });
      return 0;
    },
  } as unknown as ReplyTargets;
  const manager = {} as EntityManager;
  const afterCommit: (() => Promise<void>)[] = [];
  const context = { manager, afterCommit: (work: () => Promise<void>) => afterCommit.push(work) } as unknown as DomainEventBatchContext;
  const controller = new NotificationOutcomeController(replyTargets, {} as DataSource, pino({ level: 'silent' }));
  return { controller, calls, manager, context, afterCommit };
}

describe('NotificationOutcomeController: the copy of the reply targets follows dispatch', () => {
  it('keeps the opened targets in the consumer transaction, and prunes after the commit only when due', async () => {
    const opened = [{ target: {}, providerMessageId: null, sentAt: '2027-01-01T10:00:00Z' }] as unknown as ReplyTargetOpenedPayload[];
    const notDue = harness();
    await notDue.controller.onOpened(opened, notDue.context);
    expect(notDue.calls).toEqual([{ method: 'keep', args: [notDue.manager, opened] }]);
    expect(notDue.afterCommit).toEqual([]);

    const due = harness({ pruneDue: true });
    await due.controller.onOpened(opened, due.context);
    expect(due.calls.map((call) => call.method)).toEqual(['keep']);
    await Promise.all(due.afterCommit.map((work) => work()));
    expect(due.calls.map((call) => call.method)).toEqual(['keep', 'prune']);
  });

  it('closes the targets of failed SMS only (an email has none)', async () => {
    const { controller, calls, manager, context } = harness();
    await controller.onFailed([failed('n-sms-1', 'sms'), failed('n-email', 'email'), failed('n-sms-2', 'sms')], context);
    expect(calls).toEqual([{ method: 'close', args: [manager, ['n-sms-1', 'n-sms-2']] }]);
  });
});
