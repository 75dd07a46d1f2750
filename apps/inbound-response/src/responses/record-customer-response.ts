import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CustomerRespondedPayload,
  DISPATCH_REQUEST,
  DOMAIN_EVENT,
  LandingTokenView,
  MAX_RESPONSE_REASON_LENGTH,
  RecordedResponse,
  RecordResponseCommand,
  ResponseChannel,
  SERVICE,
} from '@appointments/contracts';
import { Conflict, decideResponses, InvalidInput, type ResponseType } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent, RpcClient } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerResponsesRepository, NewCustomerResponse } from '../persistence/customer-responses.repository';
import { keptReason, landingRefusal, reasonTooLong } from './response-rules';

/** What is recorded: the answer, and for an SMS reply what came with it. */
export interface ResponseInput {
  response: ResponseType;
  reason: string | null;
  channel: ResponseChannel;
  from: string | null;
  autoReply: string | null;
  inboundMessage: { body: string; providerMessageId: string } | null;
}

/** One response of `recordMany`: the notification answered, the answer, and the request's correlation id for its event. */
export interface ResponseToRecord {
  target: LandingTokenView;
  input: ResponseInput;
  correlationId?: string;
}

/**
 * Records a customer's response once and publishes `CustomerResponded` with it (outbox, same
 * transaction). Responses to one event are serialised by a transaction-scoped advisory lock,
 * so a double click, an SMS and a link at once, or two replicas each taking one copy, all see
 * the response recorded before theirs: an identical one within ten minutes is answered as a
 * duplicate, with the earlier id, and publishes nothing.
 */
@Injectable()
export class RecordCustomerResponse {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly responses: CustomerResponsesRepository,
    private readonly outbox: DomainEventOutbox,
    private readonly rpc: RpcClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A landing-page (or email button) response: token → notification, checks, record. */
  async execute(command: RecordResponseCommand): Promise<RecordedResponse> {
    if (reasonTooLong(command.reason)) {
      throw new InvalidInput(`The reason may be at most ${MAX_RESPONSE_REASON_LENGTH} characters`, {
        maxLength: MAX_RESPONSE_REASON_LENGTH,
      });
    }
    // not_found and expired come back from dispatch as they are and reach the caller unchanged.
    const target = await this.rpc.request<LandingTokenView>(SERVICE.notificationDispatch, DISPATCH_REQUEST.resolveLandingToken, {
      token: command.token,
    });
    const refusal = landingRefusal(target.config, command.response);
    if (refusal) {
      this.logger.warn(
        { eventId: target.eventId, notificationId: target.notificationId, response: command.response },
        'response refused: the notification does not offer it',
      );
      throw new Conflict(refusal, { reason: 'action_not_offered', action: command.response, notificationId: target.notificationId });
    }
    const input: ResponseInput = {
      response: command.response,
      reason: keptReason(target.config, command.response, command.reason),
      channel: target.channel === 'email' ? 'email_link' : 'sms_link',
      from: null,
      autoReply: null,
      inboundMessage: null,
    };
    const [recorded] = await this.dataSource.transaction((manager) => this.recordMany(manager, [{ target, input }]));
    const facts = {
      eventId: target.eventId,
      responseId: recorded.responseId,
      notificationId: target.notificationId,
      response: input.response,
      channel: input.channel,
    };
    if (recorded.duplicate) this.logger.info(facts, 'response repeats the one just recorded; nothing new recorded');
    else this.logger.info(facts, 'customer response recorded');
    return recorded;
  }

  /**
   * Records responses in the caller's transaction, the step a landing-page response (a list of
   * one) and the SMS reply codes of a group (`ReceiveSmsReply`) share: a statement for each
   * step, not for each response, each answered as if recorded alone, in the order given. The
   * events' advisory locks (taken in one sorted order, so that two groups cannot deadlock),
   * their latest responses, the domain's repeat rule (`decideResponses`: a response that
   * repeats its event's latest one, which may be an earlier one of this list, is answered with
   * it and publishes nothing), the new rows, their `CustomerResponded`.
   */
  async recordMany(manager: EntityManager, items: readonly ResponseToRecord[]): Promise<RecordedResponse[]> {
    if (items.length === 0) return [];
    const eventIds = [...new Set(items.map((item) => item.target.eventId))].sort();
    // The events' locks are taken in this (sorted) order, so that two groups cannot deadlock.
    await this.responses.lockEvents(manager, eventIds);
    const latest = await this.responses.latestOfEvents(manager, eventIds);
    const now = new Date();
    const decisions = decideResponses(
      items.map(({ target, input }) => ({ eventId: target.eventId, response: input.response, reason: input.reason })),
      latest,
      now,
      randomUUID,
    );

    const rows: NewCustomerResponse[] = [];
    const events: NewDomainEvent<CustomerRespondedPayload>[] = [];
    items.forEach(({ target, input, correlationId }, index) => {
      const decision = decisions[index];
      if (decision.duplicate) return;
      const responseId = decision.response.id;
      const domainEventId = randomUUID();
      rows.push({
        id: responseId,
        eventId: target.eventId,
        customerId: target.customerId,
        notificationId: target.notificationId,
        response: input.response,
        reason: input.reason,
        channel: input.channel,
        fromPhone: input.from,
        providerMessageId: input.inboundMessage?.providerMessageId ?? null,
        domainEventId,
      });
      const payload: CustomerRespondedPayload = {
        responseId,
        eventId: target.eventId,
        customerId: target.customerId,
        response: input.response,
        reason: input.reason,
        channel: input.channel,
        notificationId: target.notificationId,
        configKey: target.configKey,
        respondedAt: now.toISOString(),
        from: input.from,
        autoReply: input.autoReply,
        inboundMessage: input.inboundMessage,
      };
      events.push({
        id: domainEventId,
        type: DOMAIN_EVENT.CustomerResponded,
        eventId: target.eventId,
        payload,
        ...(correlationId ? { correlationId } : {}),
      });
    });
    await this.responses.add(manager, rows);
    await this.outbox.add(manager, events);

    return items.map(({ target, input }, index) => {
      const { response, duplicate } = decisions[index];
      this.logger.debug(
        { eventId: target.eventId, responseId: response.id, response: input.response, channel: input.channel, duplicate },
        duplicate ? 'response repeats the one just recorded; nothing new recorded' : 'customer response recorded',
      );
      return { responseId: response.id, eventId: target.eventId, response: response.response, duplicate };
    });
  }
}
