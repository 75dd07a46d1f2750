import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { insertRows } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { InboundSmsKind } from './inbound-sms.entity';

const INBOUND_SMS_TABLE = { schema: 'inbound_response', name: 'inbound_sms' };

/** An inbound SMS as it is stored on arrival, before its outcome is known. */
export interface ArrivedInboundSms {
  messageSid: string;
  /** The sender, normalised. */
  from: string;
  to: string;
  body: string;
  /** The notification it answers, when one is known. */
  notificationId: string | null;
}

/** What was done with an inbound SMS, and what it was answered. */
export interface AppliedInboundSms {
  messageSid: string;
  kind: InboundSmsKind;
  reply: string | null;
  responseId: string | null;
}

/**
 * Every statement about `inbound_response.inbound_sms`: one row per MessageSid, so that an SMS is
 * applied once and a repeat is answered as the first was. Each write covers a whole group of SMS
 * in one statement. The methods given an `EntityManager` run in the caller's transaction.
 */
@Injectable()
export class InboundSmsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The stored answers of the MessageSids among these that were applied before, by MessageSid. */
  async storedAnswers(messageSids: readonly string[]): Promise<Map<string, { kind: InboundSmsKind; reply: string | null }>> {
    const rows: { message_sid: string; kind: InboundSmsKind; reply: string | null }[] = await this.dataSource.query(
      'SELECT message_sid, kind, reply FROM inbound_response.inbound_sms WHERE message_sid = ANY($1::text[])',
      [[...new Set(messageSids)]],
    );
    return new Map(rows.map((row) => [row.message_sid, { kind: row.kind, reply: row.reply }]));
  }

  /**
   * Stores these SMS as `ignored` until their outcome is recorded, in MessageSid order (so that
   * two groups cannot deadlock on them); answers the MessageSids stored now. One another
   * transaction stored first is left as it is and not answered: it is not ours to apply.
   */
  async storeArrived(manager: EntityManager, arrived: readonly ArrivedInboundSms[]): Promise<Set<string>> {
    const rows = [...arrived]
      .sort((a, b) => (a.messageSid < b.messageSid ? -1 : a.messageSid > b.messageSid ? 1 : 0))
      .map((sms) => ({
        message_sid: sms.messageSid,
        from_phone: sms.from,
        to_phone: sms.to,
        body: sms.body,
        kind: 'ignored',
        notification_id: sms.notificationId,
      }));
    const inserted = await insertRows<{ message_sid: string }>(manager, INBOUND_SMS_TABLE, rows, {
      onConflict: '(message_sid) DO NOTHING',
      returning: ['message_sid'],
    });
    return new Set(inserted.map((row) => row.message_sid));
  }

  /** Records what was done with these SMS (stored by `storeArrived`), one statement for all of them. */
  async recordOutcomes(manager: EntityManager, outcomes: readonly AppliedInboundSms[]): Promise<void> {
    if (outcomes.length === 0) return;
    await manager.query(
      `UPDATE inbound_response.inbound_sms AS stored
            SET kind = outcome.kind, reply = outcome.reply, response_id = outcome.response_id
           FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[]) AS outcome(message_sid, kind, reply, response_id)
          WHERE stored.message_sid = outcome.message_sid`,
      [
        outcomes.map((outcome) => outcome.messageSid),
        outcomes.map((outcome) => outcome.kind),
        outcomes.map((outcome) => outcome.reply),
        outcomes.map((outcome) => outcome.responseId),
      ],
    );
  }
}
