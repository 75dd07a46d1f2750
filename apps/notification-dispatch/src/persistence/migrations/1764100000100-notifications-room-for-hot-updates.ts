import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console rows are written once and updated twice (claimed for delivery, then sent). With
 * full pages (fillfactor 100) every update wrote a new entry into each of the table's ten
 * indexes; with room on the page, an update that changes no indexed column (the claim) is a
 * heap-only tuple (HOT) and writes no index entry. 70 leaves room for the claim's new version.
 */
export class NotificationsRoomForHotUpdates1764100000100 implements MigrationInterface {
  name = 'NotificationsRoomForHotUpdates1764100000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notification_dispatch.notifications SET (fillfactor = 70)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notification_dispatch.notifications RESET (fillfactor)');
  }
}
