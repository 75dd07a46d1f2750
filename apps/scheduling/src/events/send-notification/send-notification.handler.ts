import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT, EventStatusChangedPayload, SendNotificationCommand, SendNotificationResult } from '@appointments/contracts';
import { TransitionRefused } from '@appointments/domain';
import { DomainEventOutbox } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CHANNEL_LABEL, ChatterLog, NOTIFICATION_TYPE_LABEL } from '../../chatter/chatter-log';
import { eventView } from '../../persistence/views';
import { EventLoader } from '../event-loader';
import { applyPlan, NotificationPlanner, notificationRequest } from '../notification-plan';
import { CancellationConfirmation } from './cancellation-confirmation';
import { STATUS_EVENT_OF } from './notification-trigger';

/**
 * An explicit send. In one transaction, with the event row locked: the plan (state machine,
 * config, channels, sender; any refusal is an error and nothing changes), the cancellation's
 * confirm step, the status and title, chatter, and `NotificationRequested` plus the status
 * event (`EventBooked`, `RsvpRequested`...) in the outbox. notification-dispatch renders and
 * delivers; its outcome comes back as `NotificationSent`/`NotificationFailed` for chatter.
 */
@Injectable()
export class SendNotificationHandler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly planner: NotificationPlanner,
    private readonly cancellation: CancellationConfirmation,
    private readonly chatter: ChatterLog,
    private readonly outbox: DomainEventOutbox,
  ) {}

  async execute(command: SendNotificationCommand): Promise<SendNotificationResult> {
    const { type, configKey, confirmationToken } = command.notification;
    return this.dataSource.transaction(async (manager) => {
      const loaded = await this.loader.load(manager, command.eventId, { forUpdate: true });
      const { event, customer } = loaded;
      const plan = await this.planner.plan(manager, loaded, type, configKey);
      if (type === 'cancellation') {
        const problem = this.cancellation.problemWith(confirmationToken, event);
        if (problem) {
          throw new TransitionRefused(problem, {
            bookingStatus: event.bookingStatus,
            notificationState: event.notificationState,
            trigger: 'cancellation_sent',
          });
        }
      }

      const { previousBookingStatus } = applyPlan(loaded, plan);
      const saved = await manager.save(event);

      const requestId = randomUUID();
      const notifications = plan.selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel }));
      const actor = { id: command.actor.id, name: command.actor.name };
      const skipped = plan.selection.skipped;
      const channels = notifications.map((n) => `${CHANNEL_LABEL[n.channel]} (${n.address})`).join(' and ');
      await this.chatter.add(manager, {
        eventId: event.id,
        kind: 'notification_requested',
        body:
          `${command.actor.name} sent the ${NOTIFICATION_TYPE_LABEL[type].toLowerCase()} to ${customer.name} by ${channels}` +
          (skipped.length ? `; skipped: ${skipped.map((s) => s.message).join('; ')}` : ''),
        author: actor,
        data: { requestId, type, configKey: plan.config.key, notificationIds: notifications.map((n) => n.notificationId), skipped },
      });
      if (previousBookingStatus !== saved.bookingStatus) {
        await this.chatter.add(manager, {
          eventId: event.id,
          kind: 'status_changed',
          body: `Status changed from ${previousBookingStatus} to ${saved.bookingStatus}`,
          author: actor,
          data: { from: previousBookingStatus, to: saved.bookingStatus, title: saved.title },
        });
      }

      const requested = notificationRequest({
        requestId,
        plan,
        loaded,
        requestedBy: { id: command.actor.id, name: command.actor.name, email: command.actor.email ?? null },
        notifications,
      });
      const status: EventStatusChangedPayload = {
        eventId: saved.id,
        bookingStatus: saved.bookingStatus,
        attendeeStatus: saved.attendeeStatus,
        notificationState: saved.notificationState,
        previousBookingStatus,
        title: saved.title,
        start: saved.start.toISOString(),
        end: saved.end.toISOString(),
        timeZone: saved.timeZone,
        templateId: saved.templateId,
        startVersion: saved.startVersion,
      };
      await this.outbox.add(manager, [
        { type: STATUS_EVENT_OF[type], eventId: saved.id, payload: status },
        { type: DOMAIN_EVENT.NotificationRequested, eventId: saved.id, payload: requested },
      ]);
      return {
        requestId,
        notificationIds: notifications.map((n) => n.notificationId),
        channels: notifications.map((n) => ({ channel: n.channel, address: n.address, notificationId: n.notificationId })),
        skipped,
        event: eventView(saved, loaded.template.customerTitle),
      };
    });
  }
}
