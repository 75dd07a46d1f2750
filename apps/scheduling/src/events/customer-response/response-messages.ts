import {
  CustomerRespondedPayload,
  DOMAIN_EVENT,
  NotificationConfig,
  NotificationRequestedPayload,
  PersonRef,
  Sender,
} from '@appointments/contracts';
import { selectChannels, type Channel } from '@appointments/domain';
import type { NewDomainEvent } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { LoadedEvent } from '../event-loader';
import { eventSnapshot } from '../notification-plan';

/**
 * The messages a customer's answer sends (`NotificationRequested`), built without I/O from the
 * event as that answer left it, the sender and the stop list: an internal email to each
 * follower the template asks to notify, and the auto-reply of an SMS reply code.
 */

/** One internal email to a follower the template asks to notify about this kind of answer. */
export function followerEmail(
  after: LoadedEvent,
  response: CustomerRespondedPayload,
  reason: string | null,
  follower: PersonRef & { email: string },
  sender: Sender,
  optedOut: (channel: Channel, address: string) => boolean,
): NewDomainEvent {
  const { event, template, customer } = after;
  const selection = selectChannels('email', { name: follower.name, email: follower.email, phone: null }, optedOut);
  const payload: NotificationRequestedPayload = {
    ...systemRequest(after, response, 'internal', { channelMode: 'email' }, sender),
    notifications: selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel })),
    skipped: selection.skipped,
    recipient: { customerId: customer.id, name: follower.name, email: follower.email, phone: null },
    internal: {
      responseId: response.responseId,
      response: response.response,
      reason,
      customerName: customer.name,
      channel: response.channel,
      respondedAt: response.respondedAt,
      meetingName: template.name,
    },
  };
  return { type: DOMAIN_EVENT.NotificationRequested, eventId: event.id, payload };
}

/** The auto-reply of an SMS reply code, to the number that texted; a stopped number gets a skipped row instead. */
export function autoReply(
  after: LoadedEvent,
  response: CustomerRespondedPayload,
  text: string,
  sender: Sender,
  optedOut: (channel: Channel, address: string) => boolean,
): NewDomainEvent<NotificationRequestedPayload> {
  const { event, customer } = after;
  const selection = selectChannels('sms', { name: customer.name, email: null, phone: response.from }, optedOut);
  const payload: NotificationRequestedPayload = {
    ...systemRequest(after, response, 'auto_reply', { channelMode: 'sms', smsBody: text }, sender),
    notifications: selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel })),
    skipped: selection.skipped,
    recipient: { customerId: customer.id, name: customer.name, email: customer.email, phone: response.from },
  };
  return { type: DOMAIN_EVENT.NotificationRequested, eventId: event.id, payload };
}

/**
 * The parts of a system notification's request that do not depend on the recipient. Its
 * config has no buttons and no reply codes, so notification-dispatch issues no landing
 * token; its texts are the system's (the internal template, the auto-reply text).
 */
function systemRequest(
  { event, template }: LoadedEvent,
  response: CustomerRespondedPayload,
  type: 'internal' | 'auto_reply',
  texts: Pick<NotificationConfig, 'channelMode' | 'smsBody'>,
  sender: Sender,
): Omit<NotificationRequestedPayload, 'notifications' | 'skipped' | 'recipient'> {
  // Keyed like the config the customer answered, so the console links the two; a config's
  // type is a customer type, and dispatch composes system types by `request.type` anyway.
  const answered = template.notificationConfigs.find((candidate) => candidate.key === response.configKey);
  const config: NotificationConfig = {
    key: response.configKey,
    type: answered?.type ?? 'rsvp_request',
    buttons: { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false },
    ...texts,
  };
  return {
    requestId: randomUUID(),
    type,
    configKey: config.key,
    requestedBy: null,
    event: eventSnapshot(event, template),
    config,
    sender,
  };
}
