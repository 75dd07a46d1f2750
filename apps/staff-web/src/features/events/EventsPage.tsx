import { Button, Grid, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTemplates } from '../../api/resources';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { BOOKING_STATUS_LABELS, NOTIFICATION_STATE_LABELS } from '../../components/StatusBadge';
import { useEventPages, type EventFilters } from './api';
import { EventRow } from './EventRow';
import { BOOKING_STATUSES, NOTIFICATION_STATES, type BookingStatus, type NotificationState } from '@appointments/domain';

/** A `date` input's day as the start of that local day, ISO. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const dayEnd = (day: string) => (day ? new Date(new Date(`${day}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined);

export function EventsPage() {
  const templates = useTemplates();
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 250);
  const [bookingStatus, setBookingStatus] = useState<BookingStatus | ''>('');
  const [notificationState, setNotificationState] = useState<NotificationState | ''>('');
  const [templateId, setTemplateId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const filters = useMemo<EventFilters>(
    () => ({
      search: debouncedSearch.trim() || undefined,
      bookingStatus: bookingStatus || undefined,
      notificationState: notificationState || undefined,
      templateId: templateId || undefined,
      from: dayStart(from),
      to: dayEnd(to),
      order: 'desc',
    }),
    [debouncedSearch, bookingStatus, notificationState, templateId, from, to],
  );
  const events = useEventPages(filters);

  return (
    <>
      <PageHeader
        title="Events"
        description="Search and filter every appointment."
        actions={
          <Button component={Link} to="/events/new">
            New event
          </Button>
        }
      />
      <Grid gutter="sm" mb="md" role="search" aria-label="Filter events">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <TextInput
            label="Search"
            placeholder="Title, customer or location"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <Select
            label="Status"
            placeholder="Any"
            clearable
            value={bookingStatus || null}
            onChange={(value) => setBookingStatus((value ?? '') as BookingStatus | '')}
            data={BOOKING_STATUSES.map((status) => ({ value: status, label: BOOKING_STATUS_LABELS[status] }))}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <Select
            label="Notification state"
            placeholder="Any"
            clearable
            value={notificationState || null}
            onChange={(value) => setNotificationState((value ?? '') as NotificationState | '')}
            data={NOTIFICATION_STATES.map((state) => ({ value: state, label: NOTIFICATION_STATE_LABELS[state] }))}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Select
            label="Template"
            placeholder="Any"
            clearable
            searchable
            value={templateId || null}
            onChange={(value) => setTemplateId(value ?? '')}
            data={(templates.data ?? []).map((template) => ({ value: template.id, label: template.name }))}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </Grid.Col>
      </Grid>
      <QueryState isPending={events.isPending} error={events.error}>
        {() => {
          const items = events.data?.pages.flatMap((page) => page.items) ?? [];
          return items.length === 0 ? (
            <Text c="dimmed">No event matches.</Text>
          ) : (
            <Stack gap={6} aria-busy={events.isFetching}>
              <Text size="sm" c="dimmed">
                {items.length === 1 ? '1 event' : `${items.length}${events.hasNextPage ? '+' : ''} events`}
              </Text>
              {items.map((event) => (
                <EventRow key={event.id} event={event} />
              ))}
              {events.hasNextPage && (
                <Button
                  variant="default"
                  onClick={() => void events.fetchNextPage()}
                  loading={events.isFetchingNextPage}
                  style={{ alignSelf: 'center' }}
                >
                  Load more
                </Button>
              )}
            </Stack>
          );
        }}
      </QueryState>
    </>
  );
}
