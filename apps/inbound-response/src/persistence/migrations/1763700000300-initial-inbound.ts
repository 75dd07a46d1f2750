import { createMessagingTablesSql } from '@appointments/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox and processed-message tables; webhook tables arrive with the responses issue. */
export class InitialInbound1763700000300 implements MigrationInterface {
  name = 'InitialInbound1763700000300';

  async up(runner: QueryRunner): Promise<void> {
    for (const sql of createMessagingTablesSql('inbound_response')) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS inbound_response.processed_messages');
    await runner.query('DROP TABLE IF EXISTS inbound_response.outbox');
  }
}
