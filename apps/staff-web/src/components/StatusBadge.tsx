import { Badge, type MantineColor } from '@mantine/core';
import type { BookingStatus, NotificationState } from '@appointments/domain';

export const BOOKING_STATUS_LABELS: Record<BookingStatus, string> = {
  draft: 'Draft',
  booked: 'Booked',
  invited: 'Invited',
  confirmed: 'Confirmed',
  declined: 'Declined',
  rescheduling: 'Rescheduling',
  cancelled: 'Cancelled',
};

const BOOKING_STATUS_COLOURS: Record<BookingStatus, MantineColor> = {
  draft: 'gray',
  booked: 'blue',
  invited: 'violet',
  confirmed: 'teal',
  declined: 'red',
  rescheduling: 'orange',
  cancelled: 'dark',
};

/** The booking status as visible text (the contract's labels), coloured. */
export function StatusBadge({ status, size = 'md' }: { status: BookingStatus; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <Badge color={BOOKING_STATUS_COLOURS[status]} variant="light" size={size} radius="sm" tt="none" style={{ minWidth: 'max-content' }}>
      {BOOKING_STATUS_LABELS[status]}
    </Badge>
  );
}

export const NOTIFICATION_STATE_LABELS: Record<NotificationState, string> = {
  none: 'nothing sent',
  in_sync: 'in sync',
  update_due: 'update due',
};

export function NotificationStateBadge({ state }: { state: NotificationState }) {
  const colour: MantineColor = state === 'update_due' ? 'yellow' : state === 'in_sync' ? 'green' : 'gray';
  return (
    <Badge color={colour} variant="dot" size="sm" radius="sm" tt="none" style={{ minWidth: 'max-content' }}>
      {NOTIFICATION_STATE_LABELS[state]}
    </Badge>
  );
}
