import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DOMAIN_EVENT,
  EventStatusChangedPayload,
  NotificationConfig,
  NotificationRequestedPayload,
  SendNotificationCommand,
  SendNotificationResult,
} from '@appointments/contracts';
import { decideTransition, InvalidInput, NoChannelAvailable, selectChannels, TransitionRefused } from '@appointments/domain';
import { DomainEventOutbox } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChatterLog, NOTIFICATION_TYPE_LABEL, CHANNEL_LABEL } from '../../chatter/chatter-log';
import { TemplateEntity } from '../../persistence/template.entity';
import { eventView } from '../../persistence/views';
import { EventLoader } from '../event-loader';
import { titleOf } from '../event-title';
import { raisesCalendarSequence, STATUS_EVENT_OF, triggerForNotification } from './notification-trigger';

/**
 * An explicit send. In one transaction, with the event row locked: the state machine
 * decides (a refusal is a 409 and nothing changes), the channels are chosen (none left is
 * a 422), the status and title change, chatter records it, and `NotificationRequested`
 * plus the status event (`EventBooked`, `RsvpRequested`...) go to the outbox.
 * notification-dispatch renders and delivers; its outcome comes back as
 * `NotificationSent`/`NotificationFailed` and lands in chatter.
 */
@Injectable()
export class SendNotificationHandler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly chatter: ChatterLog,
    private readonly outbox: DomainEventOutbox,
  ) {}

  async execute(command: SendNotificationCommand): Promise<SendNotificationResult> {
    const { type, configKey, confirmationToken } = command.notification;
    return this.dataSource.transaction(async (manager) => {
      const { event, template, customer } = await this.loader.load(manager, command.eventId, { forUpdate: true });
      const found = findConfig(template, type, configKey);
      // The state machine speaks first: "nothing to update" says more than "no update config".
      const decision = decideTransition(event, triggerForNotification(type, found ?? { buttons: undefined }));
      if (!decision.allowed) throw decision.refusal;
      if (!found) throw new InvalidInput(`type: the template "${template.name}" has no notification config for ${type}`);
      const config = found;
      if (type === 'cancellation') {
        // The confirm step: the preview issues the token (notifications issue). Until then no
        // token can be valid, so a cancellation is refused rather than sent unconfirmed.
        throw new TransitionRefused(
          confirmationToken
            ? 'The confirmationToken is not valid for this event; preview the cancellation again to get a new one'
            : 'A cancellation must be confirmed: preview it first and send it with the confirmationToken it returns',
          {
            bookingStatus: event.bookingStatus,
            notificationState: event.notificationState,
            trigger: 'cancellation_sent',
          },
        );
      }
      const selection = selectChannels(config.channelMode, customer);
      if (selection.channels.length === 0) {
        throw new NoChannelAvailable(`Nothing was sent: ${selection.skipped.map((skip) => skip.message).join('; ')}`, {
          skipped: selection.skipped,
        });
      }

      const previousBookingStatus = event.bookingStatus;
      event.bookingStatus = decision.next.bookingStatus;
      event.attendeeStatus = decision.next.attendeeStatus;
      event.notificationState = decision.next.notificationState;
      if (type === 'update') event.changedFields = [];
      if (raisesCalendarSequence(type, previousBookingStatus)) event.calendarSequence += 1;
      event.title = titleOf(event, template, customer);
      const saved = await manager.save(event);

      const requestId = randomUUID();
      const notifications = selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel }));
      const actor = { id: command.actor.id, name: command.actor.name };
      const label = NOTIFICATION_TYPE_LABEL[type];
      const channels = notifications.map((n) => `${CHANNEL_LABEL[n.channel]} (${n.address})`).join(' and ');
      await this.chatter.add(manager, {
        eventId: event.id,
        kind: 'notification_requested',
        body: `${command.actor.name} sent the ${label.toLowerCase()} to ${customer.name} by ${channels}` +
          (selection.skipped.length ? `; skipped: ${selection.skipped.map((s) => s.message).join('; ')}` : ''),
        author: actor,
        data: { requestId, type, configKey: config.key, notificationIds: notifications.map((n) => n.notificationId), skipped: selection.skipped },
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

      const requested: NotificationRequestedPayload = {
        requestId,
        type,
        configKey: config.key,
        requestedBy: { id: command.actor.id, name: command.actor.name, email: command.actor.email ?? null },
        notifications,
        skipped: selection.skipped,
        recipient: { customerId: customer.id, name: customer.name, email: customer.email, phone: customer.phone },
        event: {
          id: saved.id,
          title: saved.title,
          customerTitle: template.customerTitle,
          start: saved.start.toISOString(),
          end: saved.end.toISOString(),
          timeZone: saved.timeZone,
          location: saved.location,
          videoUrl: saved.videoUrl,
          description: saved.description,
          organizer: saved.organizer,
          calendarSequence: saved.calendarSequence,
        },
        config,
      };
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
        skipped: selection.skipped,
        event: eventView(saved, template.customerTitle),
      };
    });
  }
}

/** The config named by `configKey`, or the template's first of that type (undefined when it has none). */
function findConfig(template: TemplateEntity, type: string, configKey?: string): NotificationConfig | undefined {
  if (configKey) {
    const config = template.notificationConfigs.find((candidate) => candidate.key === configKey);
    if (!config) throw new InvalidInput(`configKey: the template has no notification config "${configKey}"`);
    if (config.type !== type) throw new InvalidInput(`configKey: "${configKey}" is a ${config.type} config, not ${type}`);
    return config;
  }
  return template.notificationConfigs.find((candidate) => candidate.type === type);
}
