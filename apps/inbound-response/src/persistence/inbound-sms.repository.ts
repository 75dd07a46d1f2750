import { Injectable } from '@nestjs/common';
import type { SmsReplyKind } from '@appointments/domain';
import { insertRows } from '@appointments/persistence';
import { EntityManager } from 'typeorm';

const INBOUND_SMS_TABLE = { schema: 'inbound_response', name: 'inbound_sms' };

/** An inbound SMS as it is stored: what arrived, what it turned out to be, and what it was answered. */
export interface NewInboundSms {
  messageSid: string;
  /** The sender, normalised. */
  from: string;
  to: string;
  body: string;
  kind: SmsReplyKind;
  /** The notification it answers, when one is open to that number. */
  notificationId: string | null;
  /** The response a reply code recorded, or the earlier one it repeats. */
  responseId: string | null;
  /** The text answered in TwiML; null for an empty `<Response/>`. */
  reply: string | null;
}

/** What an SMS was answered when its MessageSid was first received: a repeat is answered the same. */
export interface StoredSmsAnswer {
  kind: SmsReplyKind;
  reply: string | null;
}

/**
 * Every statement about `inbound_response.inbound_sms`: one row per MessageSid, written once
 * with what the SMS turned out to be, so that an SMS is applied once and a repeat is answered
 * as the first was. The methods run in the caller's transaction.
 */
@Injectable()
export class InboundSmsRepository {
  /**
   * Stores each of these SMS unless its MessageSid was received before: the one place that
   * decides it (`ON CONFLICT (message_sid) DO NOTHING`), one statement for all of them, in
   * MessageSid order so that two transactions cannot deadlock on them. Answers, for each SMS in
   * the order given, null when it is stored now, or the answer stored under its MessageSid when
   * that was received before: by another transaction (waited for until it commits), or earlier
   * in this list (the first of a MessageSid given twice is the one stored).
   */
  async addOnce(manager: EntityManager, sms: readonly NewInboundSms[]): Promise<(StoredSmsAnswer | null)[]> {
    if (sms.length === 0) return [];
    const rows = [...sms]
      .sort((a, b) => (a.messageSid < b.messageSid ? -1 : a.messageSid > b.messageSid ? 1 : 0))
      .map((one) => ({
        message_sid: one.messageSid,
        from_phone: one.from,
        to_phone: one.to,
        body: one.body,
        kind: one.kind,
        notification_id: one.notificationId,
        response_id: one.responseId,
        reply: one.reply,
      }));
    const inserted = await insertRows<{ message_sid: string }>(manager, INBOUND_SMS_TABLE, rows, {
      onConflict: '(message_sid) DO NOTHING',
      returning: ['message_sid'],
    });
    const storedNow = new Set(inserted.map((row) => row.message_sid));
    const firstOf = new Map<string, NewInboundSms>();
    for (const one of sms) if (!firstOf.has(one.messageSid)) firstOf.set(one.messageSid, one);
    const storedBefore = [...firstOf.keys()].filter((messageSid) => !storedNow.has(messageSid));
    const earlier = storedBefore.length > 0 ? await this.answersOf(manager, storedBefore) : new Map<string, StoredSmsAnswer>();
    return sms.map((one) => {
      const first = firstOf.get(one.messageSid)!;
      if (storedNow.has(one.messageSid)) return first === one ? null : { kind: first.kind, reply: first.reply };
      const answer = earlier.get(one.messageSid);
      if (!answer) throw new Error(`inbound SMS ${one.messageSid} was received before but is not stored`);
      return answer;
    });
  }

  /** The stored answers of these MessageSids, by MessageSid. */
  private async answersOf(manager: EntityManager, messageSids: readonly string[]): Promise<Map<string, StoredSmsAnswer>> {
    const rows: { message_sid: string; kind: SmsReplyKind; reply: string | null }[] = await manager.query(
      'SELECT message_sid, kind, reply FROM inbound_response.inbound_sms WHERE message_sid = ANY($1::text[])',
      [messageSids],
    );
    return new Map(rows.map((row) => [row.message_sid, { kind: row.kind, reply: row.reply }]));
  }
}
