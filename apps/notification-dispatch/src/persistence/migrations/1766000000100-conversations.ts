import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-way SMS conversations (docs/conversations.md): every SMS to and from a mobile number.
 *
 * - `conversation_messages`: one row per SMS, either way. An outbound row that is a notification
 *   (a confirmation, a reminder, an auto-reply, a staff message) has the notification's id as its
 *   own and `notification_id` set: its delivery status is the console row's (read through the
 *   join), so the delivery path writes nothing more. `(phone, at, id)` serves a conversation's
 *   pages by keyset; the partial index on inbound rows serves the dashboard's latest SMS.
 * - `conversations`: one summary row per number, kept with each message (the last message, the
 *   last inbound time, the customer the number belongs to), so that the inbox reads 10,000 rows
 *   at most and never the messages. `(last_at, phone)` is the inbox's order.
 * - `conversation_reads`: per staff member and number, up to when they have read it.
 */
export class Conversations1766000000100 implements MigrationInterface {
  name = 'Conversations1766000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE notification_dispatch.conversation_messages (
      id uuid PRIMARY KEY,
      phone text NOT NULL,
      direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      source text NOT NULL CHECK (source IN ('notification', 'auto_reply', 'staff', 'customer')),
      body text NOT NULL,
      at timestamptz NOT NULL,
      status text NOT NULL,
      notification_id uuid,
      staff_id uuid
    )`);
    await runner.query(
      'CREATE INDEX conversation_messages_thread ON notification_dispatch.conversation_messages (phone, at DESC, id DESC)',
    );
    await runner.query(
      `CREATE INDEX conversation_messages_inbound ON notification_dispatch.conversation_messages (at DESC, id DESC) WHERE direction = 'inbound'`,
    );
    await runner.query(`CREATE TABLE notification_dispatch.conversations (
      phone text PRIMARY KEY,
      customer_id uuid,
      customer_name text,
      customer_checked_at timestamptz,
      last_message_id uuid NOT NULL,
      last_direction text NOT NULL,
      last_body text NOT NULL,
      last_at timestamptz NOT NULL,
      last_inbound_at timestamptz
    )`);
    await runner.query('CREATE INDEX conversations_latest ON notification_dispatch.conversations (last_at DESC, phone DESC)');
    await runner.query(`CREATE TABLE notification_dispatch.conversation_reads (
      staff_id uuid NOT NULL,
      phone text NOT NULL,
      read_at timestamptz NOT NULL,
      PRIMARY KEY (staff_id, phone)
    )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS notification_dispatch.conversation_reads');
    await runner.query('DROP TABLE IF EXISTS notification_dispatch.conversations');
    await runner.query('DROP TABLE IF EXISTS notification_dispatch.conversation_messages');
  }
}
