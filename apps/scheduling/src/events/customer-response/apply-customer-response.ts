import { Inject, Injectable } from '@nestjs/common';
import { CustomerRespondedPayload, DOMAIN_EVENT, PersonRef, ResponseAppliedPayload } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { NewChatterEntry, statusChangedEntries } from '../../chatter/chatter-log';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventEntity } from '../../persistence/event.entity';
import { EventsRepository } from '../../persistence/events.repository';
import { SenderSettings } from '../../settings/sender-settings';
import { StopListCopy } from '../../stop-list/stop-list-copy';
import { EventLoader, LoadedEvent } from '../event-loader';
import { titleOf } from '../event-title';
import { autoReplyTo, decideResponseEffect, followersToNotify, refusedChatterBody, responseChatterBody } from './response-effect';
import { autoReply, followerEmail } from './response-messages';

export type ResponseOutcome = 'applied' | 'unchanged' | 'refused' | 'already_applied';

/** A response that was not refused, with what it goes on to publish. */
interface Answered {
  response: CustomerRespondedPayload;
  /** The event as this response left it (a later answer in the list may change it again). */
  after: LoadedEvent;
  applied: ResponseAppliedPayload | null;
  reason: string | null;
  /** Followers to tell (only for an applied response). */
  followers: (PersonRef & { email: string })[];
  autoReply: string | null;
}

/**
 * Applies customers' answers (`CustomerResponded`, recorded by inbound-response) to their events,
 * in the caller's transaction (the consumer's, with the messages' idempotency records) and with
 * the event rows locked, so every effect commits as one unit:
 *
 * - refused by the state machine (cancelled, draft, never asked): a `response_refused` chatter
 *   entry saying why, a log line, nothing else;
 * - allowed and something changes: booking and attendee status, reasons, the re-rendered title,
 *   a `customer_responded` chatter entry (and `status_changed` when the status moved),
 *   `ResponseApplied`, `NotificationRequested` of type `internal` for each follower the template
 *   asks to notify, and the auto-reply;
 * - allowed but nothing changes (the same answer again): only the auto-reply of an SMS reply.
 *
 * The list is decided in arrival order in memory (two answers to one event: the second sees the
 * first's effect) and written with one statement each for the events, the chatter and the outbox;
 * a single answer is a list of one. "Already applied" is decided here and only here: the chatter
 * entry's `sourceId` is `response:<responseId>`, so the same response published again under
 * another message id (or twice in one list) is skipped whole (no second auto-reply).
 */
@Injectable()
export class ApplyCustomerResponse {
  constructor(
    private readonly loader: EventLoader,
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
    private readonly stopList: StopListCopy,
    private readonly senderSettings: SenderSettings,
    private readonly outbox: DomainEventOutbox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * One outcome per response, in order. A response for an event that does not exist throws
   * `NotFound` for the whole list: the consumer then hands each message over alone, so only
   * that one is refused.
   */
  async execute(responses: CustomerRespondedPayload[], manager: EntityManager): Promise<ResponseOutcome[]> {
    // Load: the events, locked, with their customers and templates; the responses applied before.
    const loaded = await this.loader.loadMany(
      manager,
      responses.map((response) => response.eventId),
      { forUpdate: true },
    );
    const missing = responses.find((response) => !loaded.has(response.eventId));
    if (missing) throw new NotFound('event', missing.eventId);
    const applied = await this.chatter.recordedSourceIds(manager, responses.map(sourceIdOf));

    // Decide: each response once, against its event as the list has left it so far.
    const chatter: NewChatterEntry[] = [];
    const changed = new Set<EventEntity>();
    const answered: Answered[] = [];
    const outcomes = responses.map((response): ResponseOutcome => {
      const log = { responseId: response.responseId, eventId: response.eventId, response: response.response, channel: response.channel };
      if (applied.has(sourceIdOf(response))) {
        this.logger.info(log, 'customer response already applied; skipped');
        return 'already_applied';
      }
      applied.add(sourceIdOf(response)); // the same response twice in one list
      const target = loaded.get(response.eventId)!;
      const { event, template, customer } = target;
      const effect = decideResponseEffect(event, response.response, response.reason);
      if (effect.kind === 'refused') {
        chatter.push(refusedEntry(target, response, effect.message));
        this.logger.warn({ ...log, bookingStatus: event.bookingStatus, refusal: effect.message }, 'customer response refused');
        return 'refused';
      }
      if (effect.kind === 'unchanged') {
        this.logger.info(log, 'customer response changes nothing (same answer as now); no chatter, no follower emails');
        answered.push({ response, after: copyOf(target), applied: null, reason: null, followers: [], autoReply: autoReplyTo(response) });
        return 'unchanged';
      }
      const previous = { bookingStatus: event.bookingStatus, attendeeStatus: event.attendeeStatus };
      Object.assign(event, effect.next);
      event.title = titleOf(event, template, customer);
      event.version += 1; // a cancellation preview taken before is no longer valid
      changed.add(event);
      chatter.push(...respondedEntries(target, response, previous, effect.reason));
      this.logger.info({ ...log, from: previous, to: effect.next }, 'customer response applied');
      answered.push({
        response,
        after: copyOf(target),
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
        reason: effect.reason,
        followers: followersToNotify(template.followers, response.response, event),
        autoReply: autoReplyTo(response),
      });
      return 'applied';
    });

    // The messages the answers send (follower emails, auto-replies): the sender and the stop list, read once.
    const sending = answered.filter((item) => item.followers.length > 0 || item.autoReply);
    const sender = sending.length > 0 ? await this.senderSettings.current(manager) : null;
    const verified = sender !== null && this.senderSettings.isVerified(sender);
    const optedOut = await this.stopList.optedOut(
      manager,
      sending.flatMap((item) => [
        ...(verified ? item.followers.map((follower) => ({ channel: 'email' as const, address: follower.email })) : []),
        ...(item.autoReply ? [{ channel: 'sms' as const, address: item.response.from! }] : []),
      ]),
    );
    const published = answered.flatMap(({ response, after, applied, reason, followers, autoReply: text }) => {
      const eventId = after.event.id;
      const events: NewDomainEvent[] = applied ? [{ type: DOMAIN_EVENT.ResponseApplied, eventId, payload: applied }] : [];
      if (sender && followers.length > 0) {
        if (verified) events.push(...followers.map((follower) => followerEmail(after, response, reason, follower, sender, optedOut)));
        // Never a reason to lose the customer's answer: the answer is applied, the emails are not sent.
        else this.logger.warn({ eventId, sender: sender.email }, 'follower emails not sent: the sender is not on a verified domain');
      }
      if (sender && text) {
        const reply = autoReply(after, response, text, sender, optedOut);
        if (reply.payload.skipped.length > 0) this.logger.info({ eventId, skipped: reply.payload.skipped }, 'auto-reply skipped');
        events.push(reply);
      }
      return events;
    });

    // Write: the status changes, the chatter and the outbox, one statement each.
    await this.events.saveStatusChanges(manager, [...changed]);
    await this.chatter.addMany(manager, chatter);
    await this.outbox.add(manager, published);
    return outcomes;
  }
}

/** The event as it is now, kept apart from later changes. */
function copyOf(target: LoadedEvent): LoadedEvent {
  return { ...target, event: Object.assign(new EventEntity(), target.event) };
}

/** The mark of a response applied: the source id of its chatter entry. */
function sourceIdOf(response: CustomerRespondedPayload): string {
  return `response:${response.responseId}`;
}

/** What the chatter keeps of every response. */
function detailsOf(response: CustomerRespondedPayload) {
  return {
    responseId: response.responseId,
    response: response.response,
    channel: response.channel,
    notificationId: response.notificationId,
    configKey: response.configKey,
    respondedAt: response.respondedAt,
    from: response.from,
  };
}

/** The `response_refused` entry: who tried what, and why the state machine said no. */
function refusedEntry({ event, customer }: LoadedEvent, response: CustomerRespondedPayload, refusal: string): NewChatterEntry {
  return {
    eventId: event.id,
    kind: 'response_refused',
    body: refusedChatterBody(customer.name, response.response, response.channel, refusal),
    author: { id: customer.id, name: customer.name },
    channel: response.channel,
    data: { ...detailsOf(response), reason: response.reason, refusal, bookingStatus: event.bookingStatus },
    sourceId: sourceIdOf(response),
  };
}

/** The `customer_responded` entry of an applied response, and `status_changed` when the status moved. */
function respondedEntries(
  { event, customer }: LoadedEvent,
  response: CustomerRespondedPayload,
  previous: Pick<EventEntity, 'bookingStatus' | 'attendeeStatus'>,
  reason: string | null,
): NewChatterEntry[] {
  const author = { id: customer.id, name: customer.name };
  return [
    {
      eventId: event.id,
      kind: 'customer_responded',
      body: responseChatterBody(customer.name, response.response, response.channel, reason),
      author,
      channel: response.channel,
      data: {
        ...detailsOf(response),
        reason,
        from: previous,
        to: { bookingStatus: event.bookingStatus, attendeeStatus: event.attendeeStatus },
        phone: response.from,
      },
      sourceId: sourceIdOf(response),
    },
    ...statusChangedEntries(event, previous.bookingStatus, author, {
      data: { responseId: response.responseId },
      sourceId: `response-status:${response.responseId}`,
    }),
  ];
}
