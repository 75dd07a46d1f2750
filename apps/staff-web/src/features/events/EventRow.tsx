import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { StatusBadge } from '../../components/StatusBadge';
import { formatEventTime } from '../../components/time';
import type { ListedEvent } from './api';

/** One event in a list: title (a link), time in its own zone, customer, status. */
export function EventRow({ event }: { event: ListedEvent }) {
  const customer = event.customer?.name;
  return (
    <Paper withBorder radius="md" px="md" py="sm">
      <Group justify="space-between" wrap="nowrap" gap="sm" align="flex-start">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Anchor component={Link} to={`/events/${event.id}`} fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {event.title}
          </Anchor>
          <Text size="sm" c="dimmed">
            {formatEventTime(event.start, event.end, event.timeZone)}
            {customer ? ` · ${customer}` : ''}
            {event.location ? ` · ${event.location}` : ''}
          </Text>
        </Stack>
        <StatusBadge status={event.bookingStatus} size="sm" />
      </Group>
    </Paper>
  );
}
