import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event row is updated by every send and response (status, title, versions), never in an
 * indexed column. With full pages (fillfactor 100) each update wrote a new entry into each
 * index; with room on the page it is a heap-only tuple (HOT) and writes none.
 */
export class EventsRoomForHotUpdates1764100000000 implements MigrationInterface {
  name = 'EventsRoomForHotUpdates1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE scheduling.events SET (fillfactor = 80)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE scheduling.events RESET (fillfactor)');
  }
}
