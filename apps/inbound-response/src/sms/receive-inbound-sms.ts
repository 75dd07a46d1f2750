import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DISPATCH_REQUEST, DOMAIN_EVENT, InboundMessageReceivedPayload, LandingTokenView, SERVICE } from '@appointments/contracts';
import { classifySmsReply, replyCodeTable, type SmsReplyClassification } from '@appointments/domain';
import { DomainEventOutbox, RpcClient } from '@appointments/messaging';
import { currentCorrelationId, LOGGER, runWithCorrelation } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { InboundConfig } from '../inbound.config';
import { InboundSmsKind } from '../persistence/inbound-sms.entity';
import { InboundSmsRepository } from '../persistence/inbound-sms.repository';
import { RecordCustomerResponse } from '../responses/record-customer-response';
import { StopList } from '../stop-list/stop-list';
import { normaliseStopListAddress } from '../stop-list/stop-list-address';
import { GroupCommit, Settled, settledError, settledValue } from './group-commit';
import { ReplyTargets } from './reply-targets';

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

export interface InboundSmsOutcome {
  kind: InboundSmsKind;
  /** The text to answer in TwiML; null for no reply. */
  reply: string | null;
  /** True when this MessageSid was applied before: nothing was done again, the earlier reply is repeated. */
  duplicate: boolean;
}

/** The most SMS applied as one group (one lookup, one transaction). */
export const MAX_SMS_GROUP_SIZE = 200;
/**
 * Groups applied at once per process: one, so that a group is everything that arrived while
 * the previous one ran (two halve the groups and cost more CPU per SMS; see decisions.md).
 */
const SMS_GROUPS_IN_FLIGHT = 1;

/** An SMS as it arrived, read before it joins a group: its sender normalised, whether it is a carrier keyword. */
interface ArrivedSms {
  sms: InboundSms;
  from: string;
  isKeyword: boolean;
  keyword: SmsReplyClassification;
  correlationId: string | undefined;
}

/** An SMS to apply: what it means once the notification it answers is known. */
interface PlannedSms extends ArrivedSms {
  target: LandingTokenView | null;
  meaning: SmsReplyClassification;
}

interface AppliedSms {
  kind: InboundSmsKind;
  reply: string | null;
  responseId: string | null;
}

/** What a caller of `execute` learns, with what its log line says. */
interface ReceivedSms extends InboundSmsOutcome {
  from: string;
  eventId: string | null;
  notificationId: string | null;
  responseId: string | null;
}

/** The stored answer to a MessageSid already applied. */
interface StoredSms {
  kind: InboundSmsKind;
  reply: string | null;
}

/**
 * The sender as the stop list and the reply lookup name it. Twilio posts `From` in E.164
 * already, and parsing such a number again gives it back unchanged (or refuses it, and the raw
 * value is kept then too): only anything else is parsed.
 */
function senderAddress(from: string): string {
  return E164_SHAPE.test(from) ? from : (normaliseStopListAddress('sms', from) ?? from);
}

const E164_SHAPE = /^\+[1-9]\d{1,14}$/;

/**
 * What an inbound SMS does (domain.md, "Reply codes (SMS)"). Once per MessageSid, in one
 * transaction with its effect:
 *  - a carrier keyword changes the stop list (`OptOutChanged`) or earns the help text;
 *  - a code of the latest open notification's table to that number records the response
 *    (`CustomerResponded`, channel `sms_reply`);
 *  - anything else goes to the event's chatter and the console (`InboundMessageReceived`),
 *    or, with no open notification, is logged and answered with the configured reply.
 *
 * SMS that arrive together are applied as a group (`GroupCommit`): one lookup of the
 * notifications they answer and one transaction whose statements each cover the whole
 * group, as if each SMS had been applied alone in the order it arrived. Should the group's
 * transaction fail, each SMS is applied alone, so that one bad message fails only its own
 * request.
 */
@Injectable()
export class ReceiveInboundSms {
  private readonly groups: GroupCommit<ArrivedSms, ReceivedSms>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inboundSms: InboundSmsRepository,
    private readonly outbox: DomainEventOutbox,
    private readonly rpc: RpcClient,
    private readonly responses: RecordCustomerResponse,
    private readonly stopList: StopList,
    private readonly replyTargets: ReplyTargets,
    private readonly config: InboundConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.groups = new GroupCommit<ArrivedSms, ReceivedSms>((group) => this.applyGroup(group), {
      maxGroupSize: MAX_SMS_GROUP_SIZE,
      maxGroupsInFlight: SMS_GROUPS_IN_FLIGHT,
      lingerMs: config.SMS_GROUP_LINGER_MS,
    });
  }

  async execute(sms: InboundSms): Promise<InboundSmsOutcome> {
    const keyword = classifySmsReply(sms.body, []);
    const received = await this.groups.submit({
      sms,
      from: senderAddress(sms.from),
      isKeyword: keyword.kind === 'opt_out' || keyword.kind === 'opt_in' || keyword.kind === 'help',
      keyword,
      correlationId: currentCorrelationId(),
    });
    // Logged here, in the request's own correlation context.
    if (received.duplicate) {
      this.logger.info({ messageSid: sms.messageSid, kind: received.kind }, 'inbound SMS already applied; answered as before');
    } else {
      this.logger.info(
        {
          messageSid: sms.messageSid,
          from: received.from,
          kind: received.kind,
          eventId: received.eventId,
          notificationId: received.notificationId,
          responseId: received.responseId,
        },
        'inbound SMS applied',
      );
    }
    return { kind: received.kind, reply: received.reply, duplicate: received.duplicate };
  }

  /**
   * One group, each SMS answered in its place: those applied before are answered from their
   * stored row; of a MessageSid twice in the group the first is applied and the second
   * answered like it; the rest are applied together.
   */
  private async applyGroup(group: readonly ArrivedSms[]): Promise<Settled<ReceivedSms>[]> {
    const answers: (Settled<ReceivedSms> | undefined)[] = new Array(group.length);
    const firstOfSid = new Map<string, number>();
    const repeatOf = new Map<number, number>();
    group.forEach((arrived, index) => {
      const sid = arrived.sms.messageSid;
      if (firstOfSid.has(sid)) repeatOf.set(index, firstOfSid.get(sid)!);
      else firstOfSid.set(sid, index);
    });
    const firsts = [...firstOfSid.values()];
    // Both at once: which were applied before, and what the others mean. A repeat is answered
    // from its stored row whatever the lookup says (so it is answered while dispatch is away).
    const [stored, planned] = await Promise.all([
      this.inboundSms.storedAnswers(firsts.map((index) => group[index].sms.messageSid)),
      this.plan(firsts.map((index) => group[index])),
    ]);
    const toApply: { index: number; sms: PlannedSms }[] = [];
    planned.forEach((plan, position) => {
      const index = firsts[position];
      const earlier = stored.get(group[index].sms.messageSid);
      if (earlier) answers[index] = settledValue(repeated(group[index], earlier));
      else if (plan.ok) toApply.push({ index, sms: plan.value });
      else answers[index] = settledError(plan.error);
    });

    const applied = await this.applyPlanned(toApply.map((entry) => entry.sms));
    const appliedElsewhere: number[] = [];
    toApply.forEach(({ index, sms }, position) => {
      const outcome = applied[position];
      if (!outcome.ok) answers[index] = settledError(outcome.error);
      else if (outcome.value === null) appliedElsewhere.push(index);
      else answers[index] = settledValue(receivedSms(sms, outcome.value));
    });

    // The same MessageSid, applied at this moment by another request (another replica): answered as it stored it.
    if (appliedElsewhere.length > 0) {
      const storedNow = await this.inboundSms.storedAnswers(appliedElsewhere.map((index) => group[index].sms.messageSid));
      for (const index of appliedElsewhere) {
        const earlier = storedNow.get(group[index].sms.messageSid);
        answers[index] = earlier
          ? settledValue(repeated(group[index], earlier))
          : settledError(new Error(`inbound SMS ${group[index].sms.messageSid} is neither applied nor stored`));
      }
    }
    for (const [index, first] of repeatOf) {
      const answer = answers[first]!;
      answers[index] = answer.ok ? settledValue({ ...answer.value, duplicate: true }) : answer;
    }
    this.logger.debug(
      {
        size: group.length,
        applied: applied.filter((outcome) => outcome.ok && outcome.value !== null).length,
        failed: answers.filter((answer) => !answer!.ok).length,
      },
      'inbound SMS group done',
    );
    return answers.map((answer) => answer!);
  }

  /**
   * What each SMS means: the open notification to each sender. Read first from this
   * service's own copy of the open reply targets (`ReplyTargets`); only the senders it has no
   * target for are asked of notification-dispatch, once for the group (their notifications
   * predate the copy, or were sent a moment ago and have not reached it yet), and when the
   * copy knows them all dispatch is not asked at all. Without an answer a keyword is applied
   * without it (STOP must work while dispatch is away; the notification is only attached for
   * the chatter), while anything else fails, to be retried by Twilio: whether it is a code
   * depends on that notification.
   */
  private async plan(group: readonly ArrivedSms[]): Promise<Settled<PlannedSms>[]> {
    if (group.length === 0) return [];
    const phones = [...new Set(group.map((arrived) => arrived.from))];
    let targets: Map<string, LandingTokenView | null>;
    try {
      targets = await this.replyTargetsOf(phones);
    } catch (error) {
      const keywords = group.filter((arrived) => arrived.isKeyword);
      if (keywords.length > 0) {
        this.logger.warn(
          { err: error, phones: keywords.map((arrived) => arrived.from) },
          'could not find the open notification for an SMS keyword; applying the keyword without it',
        );
      }
      return group.map((arrived) =>
        arrived.isKeyword ? settledValue({ ...arrived, target: null, meaning: arrived.keyword }) : settledError(error),
      );
    }
    return group.map((arrived) => {
      const target = targets.get(arrived.from) ?? null;
      const meaning = arrived.isKeyword
        ? arrived.keyword
        : classifySmsReply(arrived.sms.body, target ? replyCodeTable(target.config.replyCodes) : []);
      return settledValue({ ...arrived, target, meaning });
    });
  }

  /** The latest open reply target of each phone: the local copy's, else notification-dispatch's (null for none). */
  private async replyTargetsOf(phones: string[]): Promise<Map<string, LandingTokenView | null>> {
    const targets = new Map<string, LandingTokenView | null>(await this.replyTargets.latestOpen(phones));
    const unknown = phones.filter((phone) => !targets.has(phone));
    if (unknown.length === 0) return targets;
    const answered = await this.rpc.request<(LandingTokenView | null)[]>(
      SERVICE.notificationDispatch,
      DISPATCH_REQUEST.latestOpenReplyTargets,
      { phones: unknown },
      { timeoutMs: this.config.SMS_REPLY_LOOKUP_TIMEOUT_MS },
    );
    unknown.forEach((phone, index) => targets.set(phone, answered[index] ?? null));
    return targets;
  }

  /**
   * The group in one transaction; should it fail, each SMS alone (in a transaction of its
   * own, the same statements for a group of one), so that the others are not failed with it.
   * Null for an SMS whose MessageSid another request stored first.
   */
  private async applyPlanned(planned: readonly PlannedSms[]): Promise<Settled<AppliedSms | null>[]> {
    if (planned.length === 0) return [];
    try {
      const applied = await this.dataSource.transaction((manager) => this.applyTogether(manager, planned));
      return applied.map((outcome) => settledValue(outcome));
    } catch (error) {
      if (planned.length === 1) return [settledError(error)];
      this.logger.warn({ err: error, size: planned.length }, 'inbound SMS group failed; applying each SMS alone');
      return Promise.all(
        planned.map((sms) =>
          this.dataSource
            .transaction((manager) => this.applyTogether(manager, [sms]))
            .then(
              ([outcome]) => settledValue(outcome),
              (alone: unknown) => settledError<AppliedSms | null>(alone),
            ),
        ),
      );
    }
  }

  /**
   * Applies SMS in the caller's transaction, each statement for all of them: the inbound rows
   * (in MessageSid order, so that two groups cannot deadlock on them; the MessageSids another
   * request stored first are not ours to apply), the responses of the reply codes together
   * (`recordMany`), keywords and messages one by one, then each row's outcome.
   */
  private async applyTogether(manager: EntityManager, planned: readonly PlannedSms[]): Promise<(AppliedSms | null)[]> {
    const ours = await this.inboundSms.storeArrived(
      manager,
      planned.map(({ sms, from, target }) => ({
        messageSid: sms.messageSid,
        from,
        to: sms.to,
        body: sms.body,
        notificationId: target?.notificationId ?? null,
      })),
    );
    const mine = planned.filter((sms) => ours.has(sms.sms.messageSid));

    const applied = new Map<PlannedSms, AppliedSms>();
    const codes = mine.filter((sms) => sms.meaning.kind === 'code');
    const recorded = await this.responses.recordMany(
      manager,
      codes.map((sms) => ({ target: sms.target!, input: responseInput(sms), correlationId: sms.correlationId })),
    );
    codes.forEach((sms, index) => applied.set(sms, { kind: 'code', reply: null, responseId: recorded[index].responseId }));
    for (const sms of mine) {
      if (sms.meaning.kind === 'code') continue;
      const meaning = sms.meaning;
      applied.set(sms, await runWithCorrelation(sms.correlationId, () => this.apply(manager, sms, meaning)));
    }

    await this.inboundSms.recordOutcomes(
      manager,
      [...applied].map(([sms, outcome]) => ({ messageSid: sms.sms.messageSid, ...outcome })),
    );
    return planned.map((sms) => applied.get(sms) ?? null);
  }

  /** A keyword or a message (a reply code is recorded with the group's other codes). */
  private async apply(
    manager: EntityManager,
    planned: PlannedSms,
    meaning: Exclude<SmsReplyClassification, { kind: 'code' }>,
  ): Promise<AppliedSms> {
    const sms = { ...planned.sms, from: planned.from };
    const target = planned.target;
    switch (meaning.kind) {
      case 'opt_out':
      case 'opt_in':
        // Twilio (and the carrier) answer these keywords themselves: our TwiML stays empty.
        await this.stopList.applySmsKeyword(manager, { address: sms.from, optedOut: meaning.kind === 'opt_out', keyword: meaning.keyword });
        await this.publishMessage(manager, sms, meaning.kind, target);
        return { kind: meaning.kind, reply: null, responseId: null };
      case 'help':
        await this.publishMessage(manager, sms, 'help', target);
        return { kind: 'help', reply: this.config.SMS_HELP_TEXT, responseId: null };
      case 'message':
        if (!target) {
          await this.publishMessage(manager, sms, 'no_open_notification', null);
          return { kind: 'no_open_notification', reply: this.config.smsNoOpenNotificationReply, responseId: null };
        }
        await this.publishMessage(manager, sms, 'message', target);
        return { kind: 'message', reply: null, responseId: null };
    }
  }

  private async publishMessage(
    manager: EntityManager,
    sms: InboundSms,
    kind: InboundMessageReceivedPayload['kind'],
    target: LandingTokenView | null,
  ) {
    const payload: InboundMessageReceivedPayload = {
      messageId: randomUUID(),
      providerMessageId: sms.messageSid,
      from: sms.from,
      to: sms.to,
      body: sms.body,
      receivedAt: new Date().toISOString(),
      kind,
      eventId: target?.eventId ?? null,
      notificationId: target?.notificationId ?? null,
      customerId: target?.customerId ?? null,
    };
    await this.outbox.add(manager, [{ type: DOMAIN_EVENT.InboundMessageReceived, eventId: target?.eventId ?? null, payload }]);
  }
}

/** The response a reply code records (a code exists only in the table of an open notification). */
function responseInput(sms: PlannedSms) {
  const meaning = sms.meaning as Extract<SmsReplyClassification, { kind: 'code' }>;
  return {
    response: meaning.action,
    reason: null,
    channel: 'sms_reply' as const,
    from: sms.from,
    autoReply: meaning.autoReply ?? null,
    inboundMessage: { body: sms.sms.body, providerMessageId: sms.sms.messageSid },
  };
}

function receivedSms(sms: PlannedSms, applied: AppliedSms): ReceivedSms {
  return {
    kind: applied.kind,
    reply: applied.reply,
    duplicate: false,
    from: sms.from,
    eventId: sms.target?.eventId ?? null,
    notificationId: sms.target?.notificationId ?? null,
    responseId: applied.responseId,
  };
}

function repeated(arrived: ArrivedSms, earlier: StoredSms): ReceivedSms {
  return {
    kind: earlier.kind,
    reply: earlier.reply,
    duplicate: true,
    from: arrived.from,
    eventId: null,
    notificationId: null,
    responseId: null,
  };
}
