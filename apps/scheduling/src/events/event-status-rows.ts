import { EntityManager } from 'typeorm';
import { EventEntity } from '../persistence/event.entity';

/**
 * Writes the status side of events changed in memory by a batch (sends, reminders, customer
 * responses) in one UPDATE: the three statuses, the reasons, the changed fields, the calendar
 * sequence, the re-rendered title and the version the caller raised. Each event's
 * `updatedAt` is set to the time of the write.
 */
export async function writeEventStatusRows(manager: EntityManager, events: EventEntity[]): Promise<void> {
  if (events.length === 0) return;
  // TypeORM answers an UPDATE with [rows, count].
  const [updated]: [{ id: string; updated_at: Date }[], number] = await manager.query(
    `UPDATE scheduling.events e
        SET booking_status = v.booking_status, attendee_status = v.attendee_status, notification_state = v.notification_state,
            decline_reason = v.decline_reason, reschedule_reason = v.reschedule_reason,
            changed_fields = v.changed_fields, calendar_sequence = v.calendar_sequence, title = v.title, version = v.version, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::int[], $9::text[], $10::int[])
            AS v(id, booking_status, attendee_status, notification_state, decline_reason, reschedule_reason, changed_fields, calendar_sequence, title, version)
      WHERE e.id = v.id
  RETURNING e.id, e.updated_at`,
    [
      events.map((event) => event.id),
      events.map((event) => event.bookingStatus),
      events.map((event) => event.attendeeStatus),
      events.map((event) => event.notificationState),
      events.map((event) => event.declineReason),
      events.map((event) => event.rescheduleReason),
      events.map((event) => JSON.stringify(event.changedFields)),
      events.map((event) => event.calendarSequence),
      events.map((event) => event.title),
      events.map((event) => event.version),
    ],
  );
  const byId = new Map(events.map((event) => [event.id, event]));
  for (const row of updated) byId.get(row.id)!.updatedAt = row.updated_at;
}
