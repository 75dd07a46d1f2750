import { MigrationInterface, QueryRunner } from 'typeorm';

/** Customer responses (issue 4) and inbound SMS, the latter keyed by Twilio's MessageSid. */
export class CustomerResponses1763900000300 implements MigrationInterface {
  name = 'CustomerResponses1763900000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE inbound_response.responses (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      notification_id uuid NOT NULL,
      response text NOT NULL CHECK (response IN ('accept', 'decline', 'reschedule')),
      reason text,
      channel text NOT NULL,
      from_phone text,
      provider_message_id text,
      domain_event_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await runner.query('CREATE INDEX responses_event ON inbound_response.responses (event_id, created_at DESC)');
    await runner.query(`CREATE TABLE inbound_response.inbound_sms (
      message_sid text PRIMARY KEY,
      from_phone text NOT NULL,
      to_phone text NOT NULL,
      body text NOT NULL,
      kind text NOT NULL,
      notification_id uuid,
      response_id uuid,
      reply text,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await runner.query('CREATE INDEX inbound_sms_from ON inbound_response.inbound_sms (from_phone, received_at DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS inbound_response.inbound_sms');
    await runner.query('DROP TABLE IF EXISTS inbound_response.responses');
  }
}
