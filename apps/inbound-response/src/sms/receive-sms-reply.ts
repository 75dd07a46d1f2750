import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DISPATCH_REQUEST,
  DOMAIN_EVENT,
  hasE164Shape,
  InboundMessageReceivedPayload,
  LandingTokenView,
  normaliseStopListAddress,
  OptOutChangedPayload,
  SERVICE,
} from '@appointments/contracts';
import { classifySmsReply, replyCodeTable, smsReplyKind, type SmsReplyClassification, type SmsReplyKind } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent, RpcClient } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { InboundConfig } from '../inbound.config';
import { InboundSmsRepository, NewInboundSms, StoredSmsAnswer } from '../persistence/inbound-sms.repository';
import { ReplyTargetsRepository } from '../persistence/reply-targets.repository';
import { RecordCustomerResponse, ResponseToRecord } from '../responses/record-customer-response';
import { StopList } from '../stop-list/stop-list';

/** An inbound SMS as Twilio posts it, with the correlation id of the request that brought it. */
export interface SmsReply {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  correlationId?: string;
}

/** What became of an SMS, and what Twilio is answered. */
export interface SmsReplyAnswer {
  kind: SmsReplyKind;
  /** The text to answer in TwiML; null for an empty `<Response/>`. */
  reply: string | null;
  /** True when its MessageSid was received before: nothing is done again, and it is answered as it was then. */
  duplicate: boolean;
  /** The sender, normalised. */
  from: string;
  eventId: string | null;
  notificationId: string | null;
  /** The response a reply code recorded, or the earlier one it repeats. */
  responseId: string | null;
}

/** An SMS understood: its sender, the notification it answers (null for none), what it means. */
interface ReceivedSms {
  sms: SmsReply;
  from: string;
  target: LandingTokenView | null;
  meaning: SmsReplyClassification;
}

/** Thrown in the transaction to roll it back: some of its SMS were received before (their stored answers, the others null). */
class ReceivedBefore extends Error {
  constructor(readonly earlier: readonly (StoredSmsAnswer | null)[]) {
    super('SMS received before');
  }
}

/**
 * A customer's SMS to our number (domain.md, "Reply codes (SMS)"), once per MessageSid:
 *  - a code of the table of the latest open notification to that number records the response
 *    (`CustomerResponded`, channel `sms_reply`), unless it repeats the one before it;
 *  - a carrier keyword changes the stop list (`OptOutChanged`) or earns the help text;
 *  - anything else goes to the event's chatter and the console (`InboundMessageReceived`),
 *    or, with no open notification, is answered with the configured reply.
 *
 * Takes a list and answers each SMS as if it had been received alone, in the order given: one
 * lookup of the notifications answered, one transaction whose statements each cover the whole
 * list. SMS arriving together are handed over as a list by the webhook's group commit.
 */
@Injectable()
export class ReceiveSmsReply {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replyTargets: ReplyTargetsRepository,
    private readonly rpc: RpcClient,
    private readonly responses: RecordCustomerResponse,
    private readonly stopList: StopList,
    private readonly inboundSms: InboundSmsRepository,
    private readonly outbox: DomainEventOutbox,
    private readonly config: InboundConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(replies: readonly SmsReply[]): Promise<SmsReplyAnswer[]> {
    if (replies.length === 0) return [];
    // Which notification each sender answers, and what each SMS means: classified once, with that notification's code table.
    const senders = replies.map((sms) => senderAddress(sms.from));
    const { targets, unanswered } = await this.openTargets([...new Set(senders)]);
    const received = replies.map((sms, index): ReceivedSms => {
      const target = targets.get(senders[index]) ?? null;
      return { sms, from: senders[index], target, meaning: classifySmsReply(sms.body, replyCodeTable(target?.config.replyCodes)) };
    });
    if (unanswered) this.withoutDispatch(received, unanswered);
    return this.applyOnce(received);
  }

  /**
   * The latest open reply target of each sender: this service's copy (decisions.md, "Issue 4:
   * inbound-response keeps a copy of the open reply targets"), and for the senders it has none
   * for, notification-dispatch's (their notifications predate the copy, or were sent a moment
   * ago), asked once for all of them. `unanswered`: the senders dispatch could not be asked about.
   */
  private async openTargets(
    senders: readonly string[],
  ): Promise<{ targets: Map<string, LandingTokenView>; unanswered: { senders: Set<string>; error: unknown } | null }> {
    const targets = await this.replyTargets.latestOpen(senders);
    const unknown = senders.filter((sender) => !targets.has(sender));
    if (unknown.length === 0) return { targets, unanswered: null };
    try {
      const answered = await this.rpc.request<(LandingTokenView | null)[]>(
        SERVICE.notificationDispatch,
        DISPATCH_REQUEST.latestOpenReplyTargets,
        { phones: unknown },
        { timeoutMs: this.config.SMS_REPLY_LOOKUP_TIMEOUT_MS },
      );
      unknown.forEach((sender, index) => {
        const target = answered[index];
        if (target) targets.set(sender, target);
      });
      return { targets, unanswered: null };
    } catch (error) {
      return { targets, unanswered: { senders: new Set(unknown), error } };
    }
  }

  /**
   * When dispatch could not be asked: a carrier keyword from those senders is applied without
   * the notification (STOP must work while dispatch is away; the notification is only wanted for
   * the chatter), anything else from them fails, to be retried by Twilio: whether it is a code
   * depends on that notification.
   */
  private withoutDispatch(received: readonly ReceivedSms[], unanswered: { senders: Set<string>; error: unknown }): void {
    const unknown = received.filter((sms) => unanswered.senders.has(sms.from));
    if (unknown.some((sms) => !isKeyword(sms.meaning))) throw unanswered.error;
    this.logger.warn(
      { err: unanswered.error, phones: unknown.map((sms) => sms.from) },
      'could not find the open notification for an SMS keyword; applying the keyword without it',
    );
  }

  /**
   * Applies the SMS in one transaction. Should the repository find MessageSids among them
   * received before, the transaction is rolled back (what was decided with those SMS is
   * undone), they are answered as they were then, and the others are applied again without them.
   */
  private async applyOnce(received: readonly ReceivedSms[]): Promise<SmsReplyAnswer[]> {
    if (received.length === 0) return [];
    try {
      return await this.dataSource.transaction((manager) => this.apply(manager, received));
    } catch (error) {
      if (!(error instanceof ReceivedBefore)) throw error;
      const applied = await this.applyOnce(received.filter((_, index) => error.earlier[index] === null));
      let next = 0;
      return received.map((sms, index) => {
        const earlier = error.earlier[index];
        return earlier
          ? { ...earlier, duplicate: true, from: sms.from, eventId: null, notificationId: null, responseId: null }
          : applied[next++];
      });
    }
  }

  /**
   * The SMS in the caller's transaction, a statement for each step: the responses of the reply
   * codes (their events' locks, latest responses, the domain's repeat rule, rows and
   * `CustomerResponded`), each SMS's row with what it turned out to be, the keywords' stop-list
   * changes, then the other events, in the order the SMS arrived.
   */
  private async apply(manager: EntityManager, received: readonly ReceivedSms[]): Promise<SmsReplyAnswer[]> {
    const codes = received.filter((sms) => sms.meaning.kind === 'code');
    const recorded = await this.responses.recordMany(manager, codes.map(responseToRecord));
    const responseIds = new Map(codes.map((sms, index) => [sms, recorded[index].responseId]));

    const answers = received.map((sms) => this.answer(sms, responseIds.get(sms) ?? null));
    const earlier = await this.inboundSms.addOnce(
      manager,
      received.map((sms, index) => inboundRow(sms, answers[index])),
    );
    if (earlier.some((answer) => answer !== null)) throw new ReceivedBefore(earlier);

    // Number by number (one number's keywords in the order they came), so that two groups cannot deadlock on the list.
    const optOuts = new Map<ReceivedSms, OptOutChangedPayload>();
    for (const sms of received.filter(isStopListKeyword).sort(bySender)) {
      const keyword = sms.meaning as Extract<SmsReplyClassification, { kind: 'opt_out' | 'opt_in' }>;
      const change = await this.stopList.applySmsKeyword(manager, {
        address: sms.from,
        optedOut: keyword.kind === 'opt_out',
        keyword: keyword.keyword,
      });
      if (change) optOuts.set(sms, change);
    }
    await this.outbox.add(
      manager,
      received.flatMap((sms, index) => messageEvents(sms, answers[index], optOuts.get(sms))),
    );
    return answers;
  }

  /** What a new SMS turned out to be, and what it is answered. */
  private answer(sms: ReceivedSms, responseId: string | null): SmsReplyAnswer {
    const kind = smsReplyKind(sms.meaning, sms.target !== null);
    const reply =
      kind === 'help' ? this.config.SMS_HELP_TEXT : kind === 'no_open_notification' ? this.config.smsNoOpenNotificationReply : null;
    return {
      kind,
      reply,
      duplicate: false,
      from: sms.from,
      eventId: sms.target?.eventId ?? null,
      notificationId: sms.target?.notificationId ?? null,
      responseId,
    };
  }
}

/**
 * The sender as the stop list and the reply lookup name it. Twilio posts `From` in E.164
 * already, and parsing such a number again gives it back unchanged (or refuses it, and the raw
 * value is kept then too): only anything else is parsed.
 */
function senderAddress(from: string): string {
  return hasE164Shape(from) ? from : (normaliseStopListAddress('sms', from) ?? from);
}

function isKeyword(meaning: SmsReplyClassification): boolean {
  return meaning.kind === 'opt_out' || meaning.kind === 'opt_in' || meaning.kind === 'help';
}

function isStopListKeyword(sms: ReceivedSms): boolean {
  return sms.meaning.kind === 'opt_out' || sms.meaning.kind === 'opt_in';
}

function bySender(a: ReceivedSms, b: ReceivedSms): number {
  return a.from < b.from ? -1 : a.from > b.from ? 1 : 0;
}

/** The response a reply code records (a code exists only in the table of an open notification). */
function responseToRecord(sms: ReceivedSms): ResponseToRecord {
  const code = sms.meaning as Extract<SmsReplyClassification, { kind: 'code' }>;
  return {
    target: sms.target!,
    input: {
      response: code.action,
      reason: null,
      channel: 'sms_reply',
      from: sms.from,
      autoReply: code.autoReply ?? null,
      inboundMessage: { body: sms.sms.body, providerMessageId: sms.sms.messageSid },
    },
    correlationId: sms.sms.correlationId,
  };
}

/** The row an SMS is stored as, once, with what it turned out to be. */
function inboundRow(sms: ReceivedSms, answer: SmsReplyAnswer): NewInboundSms {
  return {
    messageSid: sms.sms.messageSid,
    from: sms.from,
    to: sms.sms.to,
    body: sms.sms.body,
    kind: answer.kind,
    notificationId: answer.notificationId,
    responseId: answer.responseId,
    reply: answer.reply,
  };
}

/**
 * The events of an SMS other than a reply code (whose `CustomerResponded` is the response's):
 * the stop-list change of a keyword that made one, and the message itself (with its TwiML answer)
 * for the chatter, the console and the conversation.
 */
function messageEvents(sms: ReceivedSms, answer: SmsReplyAnswer, optOut: OptOutChangedPayload | undefined): NewDomainEvent[] {
  const kind = answer.kind;
  if (kind === 'code') return [];
  const correlationId = sms.sms.correlationId;
  const received: InboundMessageReceivedPayload = {
    messageId: randomUUID(),
    providerMessageId: sms.sms.messageSid,
    from: sms.from,
    to: sms.sms.to,
    body: sms.sms.body,
    receivedAt: new Date().toISOString(),
    kind,
    eventId: sms.target?.eventId ?? null,
    notificationId: sms.target?.notificationId ?? null,
    customerId: sms.target?.customerId ?? null,
    // The TwiML answer is an SMS to the customer too: the conversation keeps it (docs/conversations.md).
    reply: answer.reply ? { messageId: randomUUID(), body: answer.reply } : null,
  };
  return [
    ...(optOut ? [{ type: DOMAIN_EVENT.OptOutChanged, payload: optOut, correlationId }] : []),
    { type: DOMAIN_EVENT.InboundMessageReceived, eventId: sms.target?.eventId ?? null, payload: received, correlationId },
  ];
}
