import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations off the notifications' hot path (docs/conversations.md, "Cost on the hot paths"):
 *
 * - An outbound notification SMS (a confirmation, a reminder, an auto-reply) is no longer copied
 *   into `conversation_messages`: its console row is the message, read through
 *   `notifications_sms_recipient (recipient_phone, created_at DESC) WHERE channel = 'sms' AND
 *   direction = 'outbound'`, which the SMS reply lookup already keeps. The copies are removed
 *   (a staff message stays: it carries its author).
 * - `conversations_latest (last_at DESC, phone DESC)` served nothing (the inbox orders by the
 *   reader's unread flag first, a sort of the summaries) and made every summary update a non-HOT
 *   one; it goes, and the summaries leave room on their pages for HOT updates.
 */
export class ConversationsOutboundFromConsole1766100000100 implements MigrationInterface {
  name = 'ConversationsOutboundFromConsole1766100000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM notification_dispatch.conversation_messages WHERE notification_id IS NOT NULL AND source <> 'staff'`);
    await runner.query('DROP INDEX IF EXISTS notification_dispatch.conversations_latest');
    await runner.query('ALTER TABLE notification_dispatch.conversations SET (fillfactor = 70)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notification_dispatch.conversations RESET (fillfactor)');
    await runner.query('CREATE INDEX conversations_latest ON notification_dispatch.conversations (last_at DESC, phone DESC)');
    await runner.query(`INSERT INTO notification_dispatch.conversation_messages (id, phone, direction, source, body, at, status, notification_id)
      SELECT n.id, n.recipient_phone, 'outbound', CASE WHEN n.type = 'auto_reply' THEN 'auto_reply' ELSE 'notification' END,
             COALESCE(n.sms_body, ''), n.created_at, n.status, n.id
        FROM notification_dispatch.notifications n
       WHERE n.channel = 'sms' AND n.direction = 'outbound' AND n.status NOT IN ('staged', 'skipped')
         AND n.type <> 'staff_message' AND n.recipient_phone IS NOT NULL
      ON CONFLICT (id) DO NOTHING`);
  }
}
