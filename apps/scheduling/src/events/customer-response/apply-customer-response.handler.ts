import { Inject, Injectable } from '@nestjs/common';
import {
  CustomerRespondedPayload,
  DOMAIN_EVENT,
  NotificationConfig,
  NotificationRequestedPayload,
  ResponseAppliedPayload,
  Sender,
} from '@appointments/contracts';
import { selectChannels } from '@appointments/domain';
import type { NewDomainEvent } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { ChatterLog, NewChatterEntry } from '../../chatter/chatter-log';
import { SenderSettings } from '../../settings/sender-settings';
import { StopListCopy } from '../../stop-list/stop-list-copy';
import { EventLoader, LoadedEvent } from '../event-loader';
import { titleOf } from '../event-title';
import { eventSnapshot } from '../notification-plan';
import { decideResponseEffect, followersToNotify, refusedChatterBody, responseChatterBody } from './response-effect';

/** Where a handler writes: the consumer's transaction, and its outbox. */
export interface ResponseUnitOfWork {
  manager: EntityManager;
  publish(events: NewDomainEvent[]): Promise<unknown>;
}

export type ResponseOutcome = 'applied' | 'unchanged' | 'refused' | 'already_applied';

/**
 * Applies a `CustomerResponded` (recorded by inbound-response) to its event, in the
 * consumer's transaction with the event row locked, so every effect commits as one unit
 * with the message's idempotency record:
 *
 * - refused by the state machine (cancelled, draft, never asked): a `response_refused`
 *   chatter entry saying why, a log line, nothing else;
 * - allowed and something changes: booking and attendee status, reasons, the re-rendered
 *   title, a `customer_responded` chatter entry (and `status_changed` when the status
 *   moved), `NotificationRequested` of type `internal` for each follower the template asks
 *   to notify, and the auto-reply;
 * - allowed but nothing changes (the same answer again): only the auto-reply of an SMS reply.
 *
 * The chatter entry's `sourceId` is `response:<responseId>`: the same response published
 * again under another message id is recognised and skipped whole (no second auto-reply).
 */
@Injectable()
export class ApplyCustomerResponseHandler {
  constructor(
    private readonly loader: EventLoader,
    private readonly chatter: ChatterLog,
    private readonly stopList: StopListCopy,
    private readonly senderSettings: SenderSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(response: CustomerRespondedPayload, unit: ResponseUnitOfWork): Promise<ResponseOutcome> {
    const { manager } = unit;
    const loaded = await this.loader.load(manager, response.eventId, { forUpdate: true });
    const { event, customer, template } = loaded;
    const sourceId = `response:${response.responseId}`;
    const log = { responseId: response.responseId, eventId: event.id, response: response.response, channel: response.channel };

    if (await this.alreadyApplied(manager, sourceId)) {
      this.logger.info(log, 'customer response already applied; skipped');
      return 'already_applied';
    }

    const effect = decideResponseEffect(event, response.response, response.reason);
    const author = { id: customer.id, name: customer.name };
    const details = {
      responseId: response.responseId,
      response: response.response,
      channel: response.channel,
      notificationId: response.notificationId,
      configKey: response.configKey,
      respondedAt: response.respondedAt,
      from: response.from,
    };

    if (effect.kind === 'refused') {
      await this.chatter.add(manager, {
        eventId: event.id,
        kind: 'response_refused',
        body: refusedChatterBody(customer.name, response.response, response.channel, effect.message),
        author,
        channel: response.channel,
        data: { ...details, reason: response.reason, refusal: effect.message, bookingStatus: event.bookingStatus },
        sourceId,
      });
      this.logger.warn({ ...log, bookingStatus: event.bookingStatus, refusal: effect.message }, 'customer response refused');
      return 'refused';
    }

    const followUps: NewDomainEvent[] = [];
    let sender: Promise<Sender> | null = null;
    const currentSender = () => (sender ??= this.senderSettings.current(manager)); // read once, and only when a message goes out
    if (effect.kind === 'applied') {
      const previous = { bookingStatus: event.bookingStatus, attendeeStatus: event.attendeeStatus };
      event.bookingStatus = effect.next.bookingStatus;
      event.attendeeStatus = effect.next.attendeeStatus;
      event.notificationState = effect.next.notificationState;
      event.declineReason = effect.next.declineReason;
      event.rescheduleReason = effect.next.rescheduleReason;
      event.title = titleOf(event, template, customer);
      await manager.save(event); // the version column goes up: a cancellation preview taken before is no longer valid

      const reason = response.response === 'decline' ? event.declineReason : response.response === 'reschedule' ? event.rescheduleReason : null;
      const entries: NewChatterEntry[] = [
        {
          eventId: event.id,
          kind: 'customer_responded',
          body: responseChatterBody(customer.name, response.response, response.channel, reason),
          author,
          channel: response.channel,
          data: { ...details, reason, from: previous, to: { bookingStatus: event.bookingStatus, attendeeStatus: event.attendeeStatus }, phone: response.from },
          sourceId,
        },
      ];
      if (previous.bookingStatus !== event.bookingStatus) {
        entries.push({
          eventId: event.id,
          kind: 'status_changed',
          body: `Status changed from ${previous.bookingStatus} to ${event.bookingStatus}`,
          author,
          data: { from: previous.bookingStatus, to: event.bookingStatus, title: event.title, responseId: response.responseId },
          sourceId: `response-status:${response.responseId}`,
        });
      }
      await this.chatter.addMany(manager, entries);
      const applied: ResponseAppliedPayload = {
        responseId: response.responseId,
        eventId: event.id,
        response: response.response,
        channel: response.channel,
        bookingStatus: event.bookingStatus,
        previousBookingStatus: previous.bookingStatus,
        attendeeStatus: event.attendeeStatus,
        title: event.title,
      };
      followUps.push({ type: DOMAIN_EVENT.ResponseApplied, eventId: event.id, payload: applied });
      followUps.push(...(await this.followerEmails(manager, loaded, response, reason, currentSender)));
      this.logger.info({ ...log, from: previous, to: effect.next, followerEmails: followUps.length }, 'customer response applied');
    } else {
      this.logger.info(log, 'customer response changes nothing (same answer as now); no chatter, no follower emails');
    }

    const autoReply = await this.autoReply(manager, loaded, response, currentSender);
    if (autoReply) followUps.push(autoReply);
    if (followUps.length > 0) await unit.publish(followUps);
    return effect.kind;
  }

  private async alreadyApplied(manager: EntityManager, sourceId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM scheduling.chatter_entries WHERE source_id = $1', [sourceId]);
    return rows.length > 0;
  }

  /** One internal email per follower the template asks to notify about this kind of answer. */
  private async followerEmails(
    manager: EntityManager,
    loaded: LoadedEvent,
    response: CustomerRespondedPayload,
    reason: string | null,
    currentSender: () => Promise<Sender>,
  ): Promise<NewDomainEvent[]> {
    const { event, template, customer } = loaded;
    const followers = followersToNotify(template.followers, response.response, { organizer: event.organizer });
    if (followers.length === 0) return [];
    const sender = await currentSender();
    if (!this.senderSettings.isVerified(sender)) {
      // Never a reason to lose the customer's answer: the answer is applied, the emails are not sent.
      this.logger.warn({ eventId: event.id, sender: sender.email }, 'follower emails not sent: the sender is not on a verified domain');
      return [];
    }
    const optedOut = await this.stopList.optedOut(
      manager,
      followers.map((follower) => ({ channel: 'email' as const, address: follower.email })),
    );
    return followers.map((follower) => {
      const selection = selectChannels('email', { name: follower.name, email: follower.email, phone: null }, optedOut);
      const payload: NotificationRequestedPayload = {
        ...this.request(loaded, response, 'internal', { channelMode: 'email' }, sender),
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
    });
  }

  /** The auto-reply of an SMS reply code, to the number that texted; a stopped number gets a skipped row instead. */
  private async autoReply(
    manager: EntityManager,
    loaded: LoadedEvent,
    response: CustomerRespondedPayload,
    currentSender: () => Promise<Sender>,
  ): Promise<NewDomainEvent | null> {
    const text = response.autoReply?.trim();
    if (!text || !response.from) return null;
    const { event, customer } = loaded;
    const optedOut = await this.stopList.optedOut(manager, [{ channel: 'sms', address: response.from }]);
    const selection = selectChannels('sms', { name: customer.name, email: null, phone: response.from }, optedOut);
    if (selection.skipped.length > 0) this.logger.info({ eventId: event.id, skipped: selection.skipped }, 'auto-reply skipped');
    const payload: NotificationRequestedPayload = {
      ...this.request(loaded, response, 'auto_reply', { channelMode: 'sms', smsBody: text }, await currentSender()),
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
  private request(
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
}
