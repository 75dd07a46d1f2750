import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DISPATCH_REQUEST, DOMAIN_EVENT, InboundMessageReceivedPayload, LandingTokenView, SERVICE } from '@appointments/contracts';
import { classifySmsReply, replyCodeTable, type SmsReplyClassification } from '@appointments/domain';
import { DomainEventOutbox, RpcClient } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { InboundConfig } from '../inbound.config';
import { InboundSmsEntity, InboundSmsKind } from '../persistence/inbound-sms.entity';
import { RecordCustomerResponse } from '../responses/record-customer-response';
import { StopList } from '../stop-list/stop-list';
import { normaliseStopListAddress } from '../stop-list/stop-list-address';

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

/**
 * What an inbound SMS does (domain.md, "Reply codes (SMS)"). Once per MessageSid, in one
 * transaction with its effect:
 *  - a carrier keyword changes the stop list (`OptOutChanged`) or earns the help text;
 *  - a code of the latest open notification's table to that number records the response
 *    (`CustomerResponded`, channel `sms_reply`);
 *  - anything else goes to the event's chatter and the console (`InboundMessageReceived`),
 *    or, with no open notification, is logged and answered with the configured reply.
 */
@Injectable()
export class ReceiveInboundSms {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: DomainEventOutbox,
    private readonly rpc: RpcClient,
    private readonly responses: RecordCustomerResponse,
    private readonly stopList: StopList,
    private readonly config: InboundConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(sms: InboundSms): Promise<InboundSmsOutcome> {
    const earlier = await this.dataSource.getRepository(InboundSmsEntity).findOne({ where: { messageSid: sms.messageSid } });
    if (earlier) return this.repeated(earlier);

    const from = normaliseStopListAddress('sms', sms.from) ?? sms.from;
    const keyword = classifySmsReply(sms.body, []);
    const isKeyword = keyword.kind === 'opt_out' || keyword.kind === 'opt_in' || keyword.kind === 'help';
    // A keyword does not need the notification (STOP must work while dispatch is away); it is only attached for the chatter.
    const target = await this.openNotification(from, { required: !isKeyword });
    const meaning = isKeyword ? keyword : classifySmsReply(sms.body, target ? replyCodeTable(target.config.replyCodes) : []);

    const outcome = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(InboundSmsEntity)
        .values({ messageSid: sms.messageSid, fromPhone: from, toPhone: sms.to, body: sms.body, kind: 'ignored', notificationId: target?.notificationId ?? null })
        .orIgnore()
        .returning(['messageSid'])
        .execute();
      if ((inserted.raw as unknown[]).length === 0) return null; // the same MessageSid, applied at this moment by another request
      const applied = await this.apply(manager, { ...sms, from }, meaning, target);
      await manager.update(InboundSmsEntity, { messageSid: sms.messageSid }, { kind: applied.kind, reply: applied.reply, responseId: applied.responseId });
      return applied;
    });
    if (!outcome) {
      const stored = await this.dataSource.getRepository(InboundSmsEntity).findOneByOrFail({ messageSid: sms.messageSid });
      return this.repeated(stored);
    }
    this.logger.info(
      { messageSid: sms.messageSid, from, kind: outcome.kind, eventId: target?.eventId ?? null, notificationId: target?.notificationId ?? null, responseId: outcome.responseId },
      'inbound SMS applied',
    );
    return { kind: outcome.kind, reply: outcome.reply, duplicate: false };
  }

  private repeated(earlier: InboundSmsEntity): InboundSmsOutcome {
    this.logger.info({ messageSid: earlier.messageSid, kind: earlier.kind }, 'inbound SMS already applied; answered as before');
    return { kind: earlier.kind, reply: earlier.reply, duplicate: true };
  }

  private async openNotification(phone: string, options: { required: boolean }): Promise<LandingTokenView | null> {
    try {
      return await this.rpc.request<LandingTokenView | null>(
        SERVICE.notificationDispatch,
        DISPATCH_REQUEST.latestOpenReplyTarget,
        { phone },
        { timeoutMs: this.config.SMS_REPLY_LOOKUP_TIMEOUT_MS },
      );
    } catch (error) {
      if (options.required) throw error;
      this.logger.warn({ err: error, phone }, 'could not find the open notification for an SMS keyword; applying the keyword without it');
      return null;
    }
  }

  private async apply(
    manager: EntityManager,
    sms: InboundSms,
    meaning: SmsReplyClassification,
    target: LandingTokenView | null,
  ): Promise<{ kind: InboundSmsKind; reply: string | null; responseId: string | null }> {
    const inbound = { body: sms.body, providerMessageId: sms.messageSid };
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
      case 'code': {
        // A code exists only in the table of an open notification.
        const recorded = await this.responses.record(manager, target!, {
          response: meaning.action,
          reason: null,
          channel: 'sms_reply',
          from: sms.from,
          autoReply: meaning.autoReply ?? null,
          inboundMessage: inbound,
        });
        return { kind: 'code', reply: null, responseId: recorded.responseId };
      }
      case 'message':
        if (!target) {
          await this.publishMessage(manager, sms, 'no_open_notification', null);
          return { kind: 'no_open_notification', reply: this.config.smsNoOpenNotificationReply, responseId: null };
        }
        await this.publishMessage(manager, sms, 'message', target);
        return { kind: 'message', reply: null, responseId: null };
    }
  }

  private async publishMessage(manager: EntityManager, sms: InboundSms, kind: InboundMessageReceivedPayload['kind'], target: LandingTokenView | null) {
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
