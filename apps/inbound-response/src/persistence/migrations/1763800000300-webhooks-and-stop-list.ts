import { MigrationInterface, QueryRunner } from 'typeorm';

/** De-duplication of provider callbacks (delivery status webhooks) and the stop list. */
export class WebhooksAndStopList1763800000300 implements MigrationInterface {
  name = 'WebhooksAndStopList1763800000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE inbound_response.provider_callbacks (
      provider text NOT NULL,
      callback_key text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, callback_key)
    )`);
    await runner.query('CREATE INDEX provider_callbacks_received_at ON inbound_response.provider_callbacks (received_at)');
    await runner.query(`CREATE TABLE inbound_response.stop_list (
      channel text NOT NULL CHECK (channel IN ('email', 'sms')),
      address text NOT NULL,
      source text NOT NULL,
      keyword text,
      reason text,
      changed_by jsonb,
      opted_out_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, address)
    )`);
    await runner.query('CREATE INDEX stop_list_opted_out_at ON inbound_response.stop_list (opted_out_at DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS inbound_response.stop_list');
    await runner.query('DROP TABLE IF EXISTS inbound_response.provider_callbacks');
  }
}
