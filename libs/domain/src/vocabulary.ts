/**
 * The domain's vocabulary: every status, type and mode named in `shared/design/domain.md`
 * and fixed by the public contract (`api.md`). Each list is the single source for its
 * union type, for validation (`@IsIn(BOOKING_STATUSES)`) and for exhaustive tests.
 */

export const BOOKING_STATUSES = ['draft', 'booked', 'invited', 'confirmed', 'declined', 'rescheduling', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const ATTENDEE_STATUSES = ['needs_action', 'accepted', 'declined'] as const;
export type AttendeeStatus = (typeof ATTENDEE_STATUSES)[number];

export const NOTIFICATION_STATES = ['none', 'in_sync', 'update_due'] as const;
export type NotificationState = (typeof NOTIFICATION_STATES)[number];

/** Types staff (or the reminder scheduler) send to a customer. */
export const CUSTOMER_NOTIFICATION_TYPES = ['confirmation', 'rsvp_request', 'reminder', 'update', 'cancellation'] as const;
export type CustomerNotificationType = (typeof CUSTOMER_NOTIFICATION_TYPES)[number];

/** Types the system sends on its own: auto-replies to SMS codes and emails to internal followers. */
export const SYSTEM_NOTIFICATION_TYPES = ['auto_reply', 'internal'] as const;
export type SystemNotificationType = (typeof SYSTEM_NOTIFICATION_TYPES)[number];

export const NOTIFICATION_TYPES = [...CUSTOMER_NOTIFICATION_TYPES, ...SYSTEM_NOTIFICATION_TYPES] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const CHANNEL_MODES = ['follow_preference', 'email', 'sms', 'both'] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CONFIRMATION_METHODS = ['email', 'sms'] as const;
export type ConfirmationMethod = (typeof CONFIRMATION_METHODS)[number];

export const RESPONSE_TYPES = ['accept', 'decline', 'reschedule'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

export const RESPONSE_CHANNELS = ['email_link', 'sms_link', 'sms_reply', 'email_reply', 'voice'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];

export const DELIVERY_STATUSES = ['pending', 'sent', 'delivered', 'failed', 'undelivered', 'bounced', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DIRECTIONS = ['outbound', 'inbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];
