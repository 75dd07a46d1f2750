import type {
  AttendeeStatus,
  BookingStatus,
  Channel,
  ChannelSkipReason,
  DeliveryStatus,
  NotificationState,
  NotificationType,
  ResponseType,
} from '@appointments/domain';
import type { STAFF_MESSAGE_TYPE } from './conversation.dto';
import type { LandingTokenView, ResponseChannel } from './customer-response';
import type { EventSchedule } from './event.dto';
import type { ReminderSendRef, ReminderTriggerRef } from './reminders';
import type { Sender } from './settings.dto';
import type { NotificationConfig } from './template.dto';

/** Names of the domain events (routing keys on the domain-events exchange). */
export const DOMAIN_EVENT = {
  EventBooked: 'EventBooked',
  RsvpRequested: 'RsvpRequested',
  ReminderSent: 'ReminderSent',
  CustomerResponded: 'CustomerResponded',
  ResponseApplied: 'ResponseApplied',
  FieldsChanged: 'FieldsChanged',
  UpdateSent: 'UpdateSent',
  EventCancelled: 'EventCancelled',
  EventRescheduled: 'EventRescheduled',
  NotificationRequested: 'NotificationRequested',
  NotificationSent: 'NotificationSent',
  NotificationFailed: 'NotificationFailed',
  ReplyTargetOpened: 'ReplyTargetOpened',
  DeliveryStatusChanged: 'DeliveryStatusChanged',
  InboundMessageReceived: 'InboundMessageReceived',
  OptOutChanged: 'OptOutChanged',
  ReminderDue: 'ReminderDue',
  ReminderMissed: 'ReminderMissed',
  TimerFired: 'TimerFired',
  ConversationMessageAdded: 'ConversationMessageAdded',
} as const;
export type DomainEventName = (typeof DOMAIN_EVENT)[keyof typeof DOMAIN_EVENT];

export interface PersonRef {
  id?: string;
  name: string;
  email?: string | null;
  phone?: string | null;
}

/** The event's state after a status change; part of EventBooked, RsvpRequested, EventCancelled... */
export interface EventStatusChangedPayload {
  eventId: string;
  bookingStatus: BookingStatus;
  attendeeStatus: AttendeeStatus;
  notificationState: NotificationState;
  previousBookingStatus: BookingStatus;
  title: string;
  start: string;
  end: string;
  timeZone: string;
  templateId: string;
  /** Raised whenever the start moves; reminders keyed on it never fire for a stale start. */
  startVersion: number;
  /** The template's fixed reminder triggers at the time of the change (reminder-scheduler schedules them on EventBooked / RsvpRequested). */
  reminderTriggers: ReminderTriggerRef[];
}

export interface FieldsChangedPayload {
  eventId: string;
  changes: { field: string; oldValue: unknown; newValue: unknown }[];
  notificationState: NotificationState;
  start: string;
  end: string;
  timeZone: string;
  startVersion: number;
}

/** Everything notification-dispatch needs to render and send, captured when the send was asked for. */
export interface NotificationRequestedPayload {
  requestId: string;
  type: NotificationType;
  configKey: string;
  requestedBy: PersonRef | null;
  notifications: { notificationId: string; channel: Channel; address: string }[];
  skipped: { channel: Channel; reason: ChannelSkipReason; message: string }[];
  recipient: { customerId: string; name: string; email: string | null; phone: string | null };
  event: EventSchedule & {
    id: string;
    title: string;
    customerTitle: string;
    organizer: PersonRef;
    /** iCalendar SEQUENCE of the customer's calendar entry (UID is derived from the event id). */
    calendarSequence: number;
  };
  config: NotificationConfig;
  /**
   * Set for reminders (`ReminderDuePayload.dedupeKey`): notification-dispatch refuses a second
   * request with the same key (logged, nothing sent), so a redelivered or re-fired reminder
   * never reaches the customer twice.
   */
  dedupeKey?: string;
  /**
   * A staged reminder (set with `reminder`): notification-dispatch renders and stores it now,
   * `staged` (not in the console), and releases it at this time after asking scheduling whether
   * it may still go. Absent or past: sent at once.
   */
  sendAt?: string;
  /** Set for reminders: what was staged, and what scheduling applies once it is sent. */
  reminder?: ReminderSendRef;
  /** From system settings; the address was checked against the verified domains when the send was accepted. */
  sender: Sender;
  /**
   * Only for `type: 'internal'` (a follower email about a customer response). The recipient is
   * then the follower (`recipient.name`/`email`; `recipient.customerId` stays the event's
   * customer), and notification-dispatch renders the internal template from this, never the
   * config's customer-facing texts. No landing link, no `.ics`.
   */
  internal?: InternalResponseNotice;
}

/** What a follower is told about a customer's response (`NotificationRequestedPayload.internal`). */
export interface InternalResponseNotice {
  responseId: string;
  response: ResponseType;
  reason: string | null;
  customerName: string;
  channel: ResponseChannel;
  respondedAt: string;
  /** The template's name ("Site visit"): how staff call the meeting. */
  meetingName: string;
}

/** Which notification an outcome is about, and to whom it went. */
export interface NotificationOutcome {
  notificationId: string;
  requestId: string;
  /** Empty for a message without an event (a staff message in a conversation). */
  eventId: string;
  type: NotificationType | typeof STAFF_MESSAGE_TYPE;
  channel: Channel;
  to: string;
  recipientName: string;
}

export interface NotificationSentPayload extends NotificationOutcome {
  provider: string;
  providerMessageId: string | null;
  sentAt: string;
  /** For a reminder: the request's `reminder` (what was staged). */
  reminder?: ReminderSendRef;
}

/**
 * An SMS whose config has reply codes on was sent (published by notification-dispatch with
 * its `NotificationSent`, in the same transaction): a reply from `target.phone` may now answer
 * it. `target` is what `DISPATCH_REQUEST.latestOpenReplyTargets` would answer for it.
 * inbound-response keeps a copy of these (its open reply targets), so that an SMS reply needs
 * no request to notification-dispatch; a later `NotificationFailed` closes it. An event of its
 * own rather than a field of `NotificationSent`, so that inbound-response does not receive
 * every notification sent (the reminders' emails) only to ignore it.
 */
export interface ReplyTargetOpenedPayload {
  target: LandingTokenView;
  /** Twilio's MessageSid: a failure Twilio reported before this event arrived closes the copy at once. */
  providerMessageId: string | null;
  sentAt: string;
}

export interface NotificationFailedPayload extends NotificationOutcome {
  status: Extract<DeliveryStatus, 'failed' | 'skipped' | 'undelivered' | 'bounced'>;
  reason: string;
}

/**
 * A provider told us how a message fared (Twilio status callback, SendGrid event webhook).
 * Published by inbound-response; notification-dispatch moves the console row forward
 * (never backwards: a late `sent` after `delivered` is ignored).
 */
export interface DeliveryStatusChangedPayload {
  /** Our notification id, carried by the provider (statusCallback query, SendGrid customArgs); null when it did not come back. */
  notificationId: string | null;
  provider: 'twilio' | 'sendgrid';
  providerMessageId: string | null;
  /** The provider's status mapped to ours. */
  status: DeliveryStatus;
  /** The provider's own word for it (`delivered`, `bounce`, `undelivered`...). */
  providerStatus: string;
  /** Twilio `ErrorCode`, SendGrid bounce type/status; null when none. */
  errorCode: string | null;
  /** A human-readable reason for a failure, when the provider gave one. */
  reason: string | null;
  /** When the provider says it happened (SendGrid `timestamp`), else when we heard of it. */
  occurredAt: string;
}

export type OptOutSource = 'staff' | 'sms_keyword' | 'email_keyword' | 'provider';

/** An address went on (optedOut true) or came off the stop list. Published by inbound-response. */
export interface OptOutChangedPayload {
  channel: Channel;
  /** E.164 phone for sms, lower-cased email for email. */
  address: string;
  optedOut: boolean;
  source: OptOutSource;
  /** The keyword the customer sent (`STOP`, `START`...), when it came from one. */
  keyword: string | null;
  changedBy: PersonRef | null;
  changedAt: string;
}
