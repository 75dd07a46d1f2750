import type { BookingStatus, CustomerNotificationType, StatusTrigger } from '@appointments/domain';
import type { NotificationConfig } from '@appointments/contracts';
import { DOMAIN_EVENT, DomainEventName } from '@appointments/contracts';

/** The state-machine trigger a sent notification of this type (and config) is. */
export function triggerForNotification(
  type: CustomerNotificationType,
  config: Pick<NotificationConfig, 'buttons'> | { buttons: undefined },
): StatusTrigger {
  switch (type) {
    case 'confirmation':
      return { kind: 'confirmation_sent' };
    case 'rsvp_request':
      return { kind: 'rsvp_request_sent' };
    case 'reminder':
      return { kind: 'reminder_sent', withButtons: Boolean(config.buttons?.accept || config.buttons?.decline) };
    case 'update':
      return { kind: 'update_sent' };
    case 'cancellation':
      return { kind: 'cancellation_sent' };
  }
}

/** The domain event that announces the status effect of a sent notification. */
export const STATUS_EVENT_OF: Record<CustomerNotificationType, DomainEventName> = {
  confirmation: DOMAIN_EVENT.EventBooked,
  rsvp_request: DOMAIN_EVENT.RsvpRequested,
  reminder: DOMAIN_EVENT.ReminderSent,
  update: DOMAIN_EVENT.UpdateSent,
  cancellation: DOMAIN_EVENT.EventCancelled,
};

/**
 * Whether the customer's calendar entry changes (iCalendar SEQUENCE goes up): an update,
 * a cancellation, or booking again an event that was cancelled.
 */
export function raisesCalendarSequence(type: CustomerNotificationType, previous: BookingStatus): boolean {
  return type === 'update' || type === 'cancellation' || (type === 'confirmation' && previous === 'cancelled');
}
