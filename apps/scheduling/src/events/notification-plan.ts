import { Injectable } from '@nestjs/common';
import type {
  EventStatusChangedPayload,
  NotificationConfig,
  NotificationRequestedPayload,
  PersonRef,
  Sender,
} from '@appointments/contracts';
import {
  AttendeeStatus,
  BookingStatus,
  Channel,
  ChannelSelection,
  CustomerNotificationType,
  decideTransition,
  InvalidInput,
  NoChannelAvailable,
  NotificationState,
  selectChannels,
} from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { EventEntity } from '../persistence/event.entity';
import { TemplateEntity } from '../persistence/template.entity';
import { SenderSettings } from '../settings/sender-settings';
import { StopListCopy } from '../stop-list/stop-list-copy';
import { LoadedEvent } from './event-loader';
import { titleOf } from './event-title';
import { raisesCalendarSequence, triggerForNotification } from './send-notification/notification-trigger';

/** Everything a send decides before anything changes: shared by the send and its preview. */
export interface NotificationPlan {
  type: CustomerNotificationType;
  config: NotificationConfig;
  next: { bookingStatus: BookingStatus; attendeeStatus: AttendeeStatus; notificationState: NotificationState };
  selection: ChannelSelection;
  sender: Sender;
}

/** What plans read besides the event: the stop list for the customers' addresses, and the sender. */
export interface PlanningFacts {
  optedOut: (channel: Channel, address: string) => boolean;
  sender: Sender;
}

/**
 * Decides a send, in the order a person would explain a refusal: the state machine first
 * ("nothing to update" says more than "no update config"), then the config, then the
 * channels (addresses and the stop list; none left is a 422), then the sender (an email
 * from an unverified domain is a 422). The facts are read once for a whole batch of sends.
 */
@Injectable()
export class NotificationPlanner {
  constructor(
    private readonly stopList: StopListCopy,
    private readonly senderSettings: SenderSettings,
  ) {}

  async facts(manager: EntityManager, loaded: LoadedEvent[]): Promise<PlanningFacts> {
    const addresses = loaded.flatMap(({ customer }) => [
      ...(customer.email ? [{ channel: 'email' as const, address: customer.email }] : []),
      ...(customer.phone ? [{ channel: 'sms' as const, address: customer.phone }] : []),
    ]);
    const [optedOut, sender] = await Promise.all([this.stopList.optedOut(manager, addresses), this.senderSettings.current(manager)]);
    return { optedOut, sender };
  }

  plan(
    facts: PlanningFacts,
    { event, template, customer }: LoadedEvent,
    type: CustomerNotificationType,
    configKey?: string,
  ): NotificationPlan {
    const found = findConfig(template, type, configKey);
    const decision = decideTransition(event, triggerForNotification(type, found ?? { buttons: undefined }));
    if (!decision.allowed) throw decision.refusal;
    if (!found) throw new InvalidInput(`type: the template "${template.name}" has no notification config for ${type}`);

    const selection = selectChannels(found.channelMode, customer, facts.optedOut);
    if (selection.channels.length === 0) {
      throw new NoChannelAvailable(`Nothing was sent: ${selection.skipped.map((skip) => skip.message).join('; ')}`, {
        skipped: selection.skipped,
      });
    }
    if (selection.channels.some((channel) => channel.channel === 'email')) this.senderSettings.assertVerified(facts.sender);
    return { type, config: found, next: decision.next, selection, sender: facts.sender };
  }
}

/** Applies a plan's effect to the event (in memory): statuses, the update's changed fields, SEQUENCE, title. */
export function applyPlan(loaded: LoadedEvent, plan: Pick<NotificationPlan, 'type' | 'next'>): { previousBookingStatus: BookingStatus } {
  const { event, template, customer } = loaded;
  const previousBookingStatus = event.bookingStatus;
  event.bookingStatus = plan.next.bookingStatus;
  event.attendeeStatus = plan.next.attendeeStatus;
  event.notificationState = plan.next.notificationState;
  if (plan.type === 'update' || plan.type === 'cancellation') event.changedFields = [];
  if (raisesCalendarSequence(plan.type, previousBookingStatus)) event.calendarSequence += 1;
  event.title = titleOf(event, template, customer);
  return { previousBookingStatus };
}

/** The snapshot notification-dispatch renders from: the event after the send, the config, the sender. */
export function notificationRequest(input: {
  requestId: string;
  plan: NotificationPlan;
  loaded: LoadedEvent;
  requestedBy: PersonRef | null;
  notifications: NotificationRequestedPayload['notifications'];
  /** A reminder's `reminder:<reminderId>:<startVersion>`: dispatch sends once per key. */
  dedupeKey?: string;
}): NotificationRequestedPayload {
  const { event, template, customer } = input.loaded;
  return {
    requestId: input.requestId,
    type: input.plan.type,
    configKey: input.plan.config.key,
    requestedBy: input.requestedBy,
    notifications: input.notifications,
    skipped: input.plan.selection.skipped,
    recipient: { customerId: customer.id, name: customer.name, email: customer.email, phone: customer.phone },
    event: eventSnapshot(event, template),
    config: input.plan.config,
    sender: input.plan.sender,
    ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
  };
}

/** The event's state after a status change, as the status events (`EventBooked`, `ReminderSent`...) carry it. */
export function eventStatusPayload({ event, template }: LoadedEvent, previousBookingStatus: BookingStatus): EventStatusChangedPayload {
  return {
    eventId: event.id,
    bookingStatus: event.bookingStatus,
    attendeeStatus: event.attendeeStatus,
    notificationState: event.notificationState,
    previousBookingStatus,
    title: event.title,
    start: event.start.toISOString(),
    end: event.end.toISOString(),
    timeZone: event.timeZone,
    templateId: event.templateId,
    startVersion: event.startVersion,
    reminderTriggers: (template.reminderTriggers ?? []).map(({ configKey, offsetMinutes }) => ({ configKey, offsetMinutes })),
  };
}

/** The event as a notification renders it. */
export function eventSnapshot(event: EventEntity, template: TemplateEntity): NotificationRequestedPayload['event'] {
  return {
    id: event.id,
    title: event.title,
    customerTitle: template.customerTitle,
    start: event.start.toISOString(),
    end: event.end.toISOString(),
    timeZone: event.timeZone,
    location: event.location,
    videoUrl: event.videoUrl,
    description: event.description,
    organizer: event.organizer,
    calendarSequence: event.calendarSequence,
  };
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
