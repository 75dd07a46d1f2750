import { Inject, Injectable } from '@nestjs/common';
import {
  CustomerRespondedPayload,
  DOMAIN_EVENT,
  NotificationConfig,
  NotificationRequestedPayload,
  ResponseAppliedPayload,
  Sender,
} from '@appointments/contracts';
import { NotFound, selectChannels, type Channel } from '@appointments/domain';
import type { NewDomainEvent } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { NewChatterEntry, statusChangedEntries } from '../../chatter/chatter-log';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventsRepository } from '../../persistence/events.repository';
import { SenderSettings } from '../../settings/sender-settings';
import { StopListCopy } from '../../stop-list/stop-list-copy';
import { EventEntity } from '../../persistence/event.entity';
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

/** A response that goes on to send something (follower emails, the auto-reply), with what it needs. */
interface PendingMessages {
  response: CustomerRespondedPayload;
  loaded: LoadedEvent;
  /** Followers to tell (only for an applied response). */
  followers: { name: string; email: string }[];
  reason: string | null;
  autoReply: string | null;
  /** Where this response's follow-up events go in the batch's outbox list. */
  at: number;
}

/**
 * Applies `CustomerResponded` events (recorded by inbound-response) to their events, in the
 * consumer's transaction with the event rows locked, so every effect commits as one unit
 * with the messages' idempotency records:
 *
 * - refused by the state machine (cancelled, draft, never asked): a `response_refused`
 *   chatter entry saying why, a log line, nothing else;
 * - allowed and something changes: booking and attendee status, reasons, the re-rendered
 *   title, a `customer_responded` chatter entry (and `status_changed` when the status
 *   moved), `ResponseApplied`, `NotificationRequested` of type `internal` for each follower
 *   the template asks to notify, and the auto-reply;
 * - allowed but nothing changes (the same answer again): only the auto-reply of an SMS reply.
 *
 * A batch is decided in arrival order in memory (two answers to one event: the second sees
 * the first's effect) and written with one statement each for the events, the chatter, the
 * stop-list lookup and the outbox. The chatter entry's `sourceId` is
 * `response:<responseId>`: the same response published again under another message id is
 * recognised and skipped whole (no second auto-reply).
 */
@Injectable()
export class ApplyCustomerResponseHandler {
  constructor(
    private readonly loader: EventLoader,
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
    private readonly stopList: StopListCopy,
    private readonly senderSettings: SenderSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(response: CustomerRespondedPayload, unit: ResponseUnitOfWork): Promise<ResponseOutcome> {
    const [outcome] = await this.executeMany([response], unit);
    return outcome;
  }

  /**
   * One outcome per response, in order. A response for an event that does not exist throws
   * `NotFound` for the whole call: the transport then handles each message alone, so only
   * that one is refused.
   */
  async executeMany(responses: CustomerRespondedPayload[], unit: ResponseUnitOfWork): Promise<ResponseOutcome[]> {
    const { manager } = unit;
    const loaded = await this.loader.loadMany(
      manager,
      responses.map((response) => response.eventId),
      { forUpdate: true },
    );
    const missing = responses.find((response) => !loaded.has(response.eventId));
    if (missing) throw new NotFound('event', missing.eventId);
    const applied = await this.chatter.recordedSourceIds(
      manager,
      responses.map((response) => `response:${response.responseId}`),
    );

    const chatter: NewChatterEntry[] = [];
    const followUps: NewDomainEvent[][] = [];
    const pending: PendingMessages[] = [];
    const changed = new Set<EventEntity>();
    const outcomes = responses.map((response): ResponseOutcome => {
      const sourceId = `response:${response.responseId}`;
      const item = loaded.get(response.eventId)!;
      const log = { responseId: response.responseId, eventId: response.eventId, response: response.response, channel: response.channel };
      if (applied.has(sourceId)) {
        this.logger.info(log, 'customer response already applied; skipped');
        return 'already_applied';
      }
      applied.add(sourceId); // the same response twice in one batch
      const decided = this.decide(response, item, sourceId, chatter);
      if (decided.kind === 'refused') return 'refused';
      const events: NewDomainEvent[] = [];
      if (decided.kind === 'applied') {
        changed.add(item.event);
        events.push({ type: DOMAIN_EVENT.ResponseApplied, eventId: item.event.id, payload: decided.applied });
      }
      followUps.push(events);
      const followers =
        decided.kind === 'applied'
          ? followersToNotify(item.template.followers, response.response, {
              organizer: item.event.organizer,
              salesperson: item.event.salesperson,
            })
          : [];
      const autoReply = response.autoReply?.trim() && response.from ? response.autoReply.trim() : null;
      if (followers.length > 0 || autoReply) {
        // The follow-ups are built from the event as this response left it.
        pending.push({
          response,
          loaded: { ...item, event: { ...item.event } as EventEntity },
          followers,
          reason: decided.reason,
          autoReply,
          at: followUps.length - 1,
        });
      }
      return decided.kind;
    });

    await this.addMessages(manager, pending, followUps);
    await this.events.saveStatusChanges(manager, [...changed]);
    await this.chatter.addMany(manager, chatter);
    const published = followUps.flat();
    if (published.length > 0) await unit.publish(published);
    return outcomes;
  }

  /** Decides one response against the event as the batch has left it so far, applying it in memory. */
  private decide(
    response: CustomerRespondedPayload,
    { event, customer, template }: LoadedEvent,
    sourceId: string,
    chatter: NewChatterEntry[],
  ):
    | { kind: 'refused' }
    | { kind: 'unchanged'; reason: null }
    | { kind: 'applied'; reason: string | null; applied: ResponseAppliedPayload } {
    const log = { responseId: response.responseId, eventId: event.id, response: response.response, channel: response.channel };
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
      chatter.push({
        eventId: event.id,
        kind: 'response_refused',
        body: refusedChatterBody(customer.name, response.response, response.channel, effect.message),
        author,
        channel: response.channel,
        data: { ...details, reason: response.reason, refusal: effect.message, bookingStatus: event.bookingStatus },
        sourceId,
      });
      this.logger.warn({ ...log, bookingStatus: event.bookingStatus, refusal: effect.message }, 'customer response refused');
      return { kind: 'refused' };
    }
    if (effect.kind === 'unchanged') {
      this.logger.info(log, 'customer response changes nothing (same answer as now); no chatter, no follower emails');
      return { kind: 'unchanged', reason: null };
    }

    const previous = { bookingStatus: event.bookingStatus, attendeeStatus: event.attendeeStatus };
    event.bookingStatus = effect.next.bookingStatus;
    event.attendeeStatus = effect.next.attendeeStatus;
    event.notificationState = effect.next.notificationState;
    event.declineReason = effect.next.declineReason;
    event.rescheduleReason = effect.next.rescheduleReason;
    event.title = titleOf(event, template, customer);
    event.version += 1; // a cancellation preview taken before is no longer valid

    const reason =
      response.response === 'decline' ? event.declineReason : response.response === 'reschedule' ? event.rescheduleReason : null;
    chatter.push({
      eventId: event.id,
      kind: 'customer_responded',
      body: responseChatterBody(customer.name, response.response, response.channel, reason),
      author,
      channel: response.channel,
      data: {
        ...details,
        reason,
        from: previous,
        to: { bookingStatus: event.bookingStatus, attendeeStatus: event.attendeeStatus },
        phone: response.from,
      },
      sourceId,
    });
    chatter.push(
      ...statusChangedEntries(event, previous.bookingStatus, author, {
        data: { responseId: response.responseId },
        sourceId: `response-status:${response.responseId}`,
      }),
    );
    this.logger.info({ ...log, from: previous, to: effect.next }, 'customer response applied');
    return {
      kind: 'applied',
      reason,
      applied: {
        responseId: response.responseId,
        eventId: event.id,
        response: response.response,
        channel: response.channel,
        bookingStatus: event.bookingStatus,
        previousBookingStatus: previous.bookingStatus,
        attendeeStatus: event.attendeeStatus,
        title: event.title,
      },
    };
  }

  /**
   * The follower emails and auto-replies of the batch: the sender read once, the stop list
   * looked up once for every address, each response's messages added to its follow-ups.
   */
  private async addMessages(manager: EntityManager, pending: PendingMessages[], followUps: NewDomainEvent[][]): Promise<void> {
    if (pending.length === 0) return;
    const sender = await this.senderSettings.current(manager);
    const verified = this.senderSettings.isVerified(sender);
    const addresses = pending.flatMap((item) => [
      ...(verified ? item.followers.map((follower) => ({ channel: 'email' as const, address: follower.email })) : []),
      ...(item.autoReply ? [{ channel: 'sms' as const, address: item.response.from! }] : []),
    ]);
    const optedOut = await this.stopList.optedOut(manager, addresses);
    for (const item of pending) {
      if (item.followers.length > 0 && !verified) {
        // Never a reason to lose the customer's answer: the answer is applied, the emails are not sent.
        this.logger.warn(
          { eventId: item.loaded.event.id, sender: sender.email },
          'follower emails not sent: the sender is not on a verified domain',
        );
      }
      if (verified) followUps[item.at].push(...item.followers.map((follower) => this.followerEmail(item, follower, sender, optedOut)));
      if (item.autoReply) followUps[item.at].push(this.autoReply(item, item.autoReply, sender, optedOut));
    }
  }

  /** One internal email to a follower the template asks to notify about this kind of answer. */
  private followerEmail(
    { loaded, response, reason }: PendingMessages,
    follower: { name: string; email: string },
    sender: Sender,
    optedOut: (channel: Channel, address: string) => boolean,
  ): NewDomainEvent {
    const { event, template, customer } = loaded;
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
  }

  /** The auto-reply of an SMS reply code, to the number that texted; a stopped number gets a skipped row instead. */
  private autoReply(
    { loaded, response }: PendingMessages,
    text: string,
    sender: Sender,
    optedOut: (channel: Channel, address: string) => boolean,
  ): NewDomainEvent {
    const { event, customer } = loaded;
    const selection = selectChannels('sms', { name: customer.name, email: null, phone: response.from }, optedOut);
    if (selection.skipped.length > 0) this.logger.info({ eventId: event.id, skipped: selection.skipped }, 'auto-reply skipped');
    const payload: NotificationRequestedPayload = {
      ...this.request(loaded, response, 'auto_reply', { channelMode: 'sms', smsBody: text }, sender),
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
