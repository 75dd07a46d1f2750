import type { CustomerView, EventView, SenderSettingsView } from '@appointments/contracts';
import { buildCalendarInvite, calendarUid } from '@appointments/notification-content';
import type { CalendarAttachment } from '@appointments/notification-content';

/**
 * The `.ics` behind `/m/:token/calendar.ics`: the same entry as the email's attachment (UID
 * `<eventId>@appointments`, organizer = the sender, attendee = the customer), `REQUEST`, or
 * `CANCEL` once the event is cancelled, with the event's current `SEQUENCE`, so the download
 * matches (or supersedes) the latest invite the customer was emailed.
 */
export function landingCalendarFile(
  event: EventView,
  sender: Pick<SenderSettingsView, 'name' | 'email'>,
  customer: Pick<CustomerView, 'name' | 'email'>,
): CalendarAttachment {
  return buildCalendarInvite({
    method: event.bookingStatus === 'cancelled' ? 'CANCEL' : 'REQUEST',
    uid: calendarUid(event.id),
    sequence: event.calendarSequence ?? 0,
    start: event.start,
    end: event.end,
    title: event.customerTitle,
    description: event.description,
    location: event.location ?? event.videoUrl,
    url: event.videoUrl,
    organizer: { name: sender.name, email: sender.email },
    attendee: { name: customer.name, email: customer.email },
  });
}
