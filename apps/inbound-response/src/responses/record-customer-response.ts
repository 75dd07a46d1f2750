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
import { Conflict, InvalidInput, type ResponseType } from '@appointments/domain';
import { DomainEventOutbox, RpcClient } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { CustomerResponseEntity } from '../persistence/customer-response.entity';
import { isRepeatedResponse, keptReason, landingRefusal, reasonTooLong } from './response-rules';

/** What is recorded: the answer, and for an SMS reply what came with it. */
export interface ResponseInput {
  response: ResponseType;
  reason: string | null;
  channel: ResponseChannel;
  from: string | null;
  autoReply: string | null;
  inboundMessage: { body: string; providerMessageId: string } | null;
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
    private readonly outbox: DomainEventOutbox,
    private readonly rpc: RpcClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A landing-page (or email button) response: token → notification, checks, record. */
  async execute(command: RecordResponseCommand): Promise<RecordedResponse> {
    if (reasonTooLong(command.reason)) {
      throw new InvalidInput(`The reason may be at most ${MAX_RESPONSE_REASON_LENGTH} characters`, { maxLength: MAX_RESPONSE_REASON_LENGTH });
    }
    // not_found and expired come back from dispatch as they are and reach the caller unchanged.
    const target = await this.rpc.request<LandingTokenView>(SERVICE.notificationDispatch, DISPATCH_REQUEST.resolveLandingToken, { token: command.token });
    const refusal = landingRefusal(target.config, command.response);
    if (refusal) {
      this.logger.warn({ eventId: target.eventId, notificationId: target.notificationId, response: command.response }, 'response refused: the notification does not offer it');
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
    return this.dataSource.transaction((manager) => this.record(manager, target, input));
  }

  /** Records the response in the caller's transaction, unless it repeats the event's latest one. */
  async record(manager: EntityManager, target: LandingTokenView, input: ResponseInput): Promise<RecordedResponse> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`customer-response:${target.eventId}`]);
    const latest = await manager.findOne(CustomerResponseEntity, { where: { eventId: target.eventId }, order: { createdAt: 'DESC' } });
    const now = new Date();
    if (latest && isRepeatedResponse(latest, input, now)) {
      this.logger.info(
        { eventId: target.eventId, responseId: latest.id, response: input.response, channel: input.channel },
        'response repeats the one just recorded; nothing new recorded',
      );
      return { responseId: latest.id, eventId: target.eventId, response: latest.response, duplicate: true };
    }
    const responseId = randomUUID();
    const domainEventId = randomUUID();
    await manager.insert(CustomerResponseEntity, {
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
    await this.outbox.add(manager, [{ id: domainEventId, type: DOMAIN_EVENT.CustomerResponded, eventId: target.eventId, payload }]);
    this.logger.info(
      { eventId: target.eventId, responseId, notificationId: target.notificationId, response: input.response, channel: input.channel },
      'customer response recorded',
    );
    return { responseId, eventId: target.eventId, response: input.response, duplicate: false };
  }
}
