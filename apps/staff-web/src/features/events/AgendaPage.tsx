import { Anchor, Box, Button, Grid, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { ScrollRegion } from '../../components/ScrollRegion';
import { StatusBadge } from '../../components/StatusBadge';
import { addDays, formatDay, formatShortDay, formatTime, localDayKey, startOfLocalDay } from '../../components/time';
import { RecentSmsWidget } from '../../conversations/RecentSmsWidget';
import { AGENDA_DAYS, agendaFilters } from './agenda-range';
import { useEventList, type ListedEvent } from './api';
import { EventRow } from './EventRow';

const AGENDA_SHOWN_MARK = 'agenda:events-shown';
/** A busy day shows its first appointments and a button for the rest: the page paints fast with a full calendar. */
const ROWS_PER_DAY = 12;

function groupByDay(events: ListedEvent[]): Map<string, ListedEvent[]> {
  const days = new Map<string, ListedEvent[]>();
  for (const event of events) {
    const key = localDayKey(new Date(event.start));
    const list = days.get(key) ?? [];
    list.push(event);
    days.set(key, list);
  }
  for (const list of days.values()) list.sort((a, b) => a.start.localeCompare(b.start));
  return days;
}

export function AgendaPage() {
  const [view, setView] = useState<'agenda' | 'week'>('agenda');
  return (
    <>
      <PageHeader
        title="Agenda"
        description="Your appointments, in each appointment's own time zone."
        actions={
          <>
            <SegmentedControl
              aria-label="View"
              value={view}
              onChange={(value) => setView(value as 'agenda' | 'week')}
              data={[
                { value: 'agenda', label: 'Days' },
                { value: 'week', label: 'Week' },
              ]}
            />
            <Button component={Link} to="/events/new">
              New event
            </Button>
          </>
        }
      />
      {/* The recent SMS beside the days on a wide screen, after them on a narrow one; under the wide week calendar. */}
      {view === 'agenda' ? (
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
            <DaysView />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5, lg: 4 }}>
            <RecentSmsWidget />
          </Grid.Col>
        </Grid>
      ) : (
        <Stack gap="lg">
          <WeekView />
          <RecentSmsWidget />
        </Stack>
      )}
    </>
  );
}

function DaysView() {
  const [today] = useState(() => startOfLocalDay(new Date()));
  const filters = useMemo(() => agendaFilters(today), [today]);
  const events = useEventList(filters);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  // The moment the agenda first shows its events, as a User Timing mark (read by `npm run bench:agenda`).
  useEffect(() => {
    if (events.data && performance.getEntriesByName(AGENDA_SHOWN_MARK).length === 0) performance.mark(AGENDA_SHOWN_MARK);
  }, [events.data]);
  const days = useMemo(() => groupByDay(events.data?.items ?? []), [events.data]);

  return (
    <QueryState isPending={events.isPending} error={events.error}>
      {() => (
        <Stack gap="lg">
          {Array.from({ length: AGENDA_DAYS }, (_, index) => addDays(today, index)).map((day) => {
            const list = days.get(localDayKey(day)) ?? [];
            return (
              <section key={localDayKey(day)} aria-label={formatDay(day)}>
                <Group gap="xs" mb="xs">
                  <Title order={2} size="h5">
                    {index(day, today)}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {list.length === 1 ? '1 appointment' : `${list.length} appointments`}
                  </Text>
                </Group>
                {list.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    Nothing planned.
                  </Text>
                ) : (
                  <Stack gap={6}>
                    {(expanded.has(localDayKey(day)) ? list : list.slice(0, ROWS_PER_DAY)).map((event) => (
                      <EventRow key={event.id} event={event} />
                    ))}
                    {list.length > ROWS_PER_DAY && !expanded.has(localDayKey(day)) && (
                      <Button
                        variant="subtle"
                        size="xs"
                        style={{ alignSelf: 'flex-start' }}
                        onClick={() => setExpanded(new Set([...expanded, localDayKey(day)]))}
                      >
                        Show all {list.length} appointments of {formatDay(day)}
                      </Button>
                    )}
                  </Stack>
                )}
              </section>
            );
          })}
        </Stack>
      )}
    </QueryState>
  );
}

function index(day: Date, today: Date): string {
  const key = localDayKey(day);
  if (key === localDayKey(today)) return `Today · ${formatDay(day)}`;
  if (key === localDayKey(addDays(today, 1))) return `Tomorrow · ${formatDay(day)}`;
  return formatDay(day);
}

function mondayOf(date: Date): Date {
  const day = startOfLocalDay(date);
  return addDays(day, -((day.getDay() + 6) % 7));
}

function WeekView() {
  const [weekStart, setWeekStart] = useState(() => mondayOf(new Date()));
  const filters = useMemo(() => ({ from: weekStart.toISOString(), to: addDays(weekStart, 7).toISOString() }), [weekStart]);
  const events = useEventList(filters);
  const days = useMemo(() => groupByDay(events.data?.items ?? []), [events.data]);
  const todayKey = localDayKey(new Date());

  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Button variant="default" size="xs" onClick={() => setWeekStart(addDays(weekStart, -7))}>
          Previous week
        </Button>
        <Button variant="default" size="xs" onClick={() => setWeekStart(mondayOf(new Date()))}>
          This week
        </Button>
        <Button variant="default" size="xs" onClick={() => setWeekStart(addDays(weekStart, 7))}>
          Next week
        </Button>
        <Text size="sm" c="dimmed">
          Week of {formatDay(weekStart)}
        </Text>
      </Group>
      <QueryState isPending={events.isPending} error={events.error}>
        {() => (
          <ScrollRegion label="Week calendar" type="auto" offsetScrollbars>
            <SimpleGrid cols={7} spacing={6} miw={840} role="list" aria-label="Week">
              {Array.from({ length: 7 }, (_, offset) => addDays(weekStart, offset)).map((day) => {
                const key = localDayKey(day);
                const list = days.get(key) ?? [];
                return (
                  <Paper
                    key={key}
                    withBorder
                    radius="md"
                    p={6}
                    mih={320}
                    role="listitem"
                    aria-label={formatDay(day)}
                    bg={key === todayKey ? 'indigo.0' : undefined}
                  >
                    <Text size="xs" fw={700} ta="center" mb={6} c={key === todayKey ? 'indigo.8' : 'dimmed'}>
                      {formatShortDay(day)}
                    </Text>
                    <Stack gap={4}>
                      {list.map((event) => (
                        <Box
                          key={event.id}
                          p={6}
                          style={{
                            borderRadius: 6,
                            background: 'var(--mantine-color-body)',
                            border: '1px solid var(--mantine-color-gray-3)',
                          }}
                        >
                          <Text size="xs" c="dimmed">
                            {formatTime(event.start, event.timeZone)}
                          </Text>
                          <Anchor component={Link} to={`/events/${event.id}`} size="xs" fw={600} style={{ overflowWrap: 'anywhere' }}>
                            {event.customer?.name ?? event.title}
                          </Anchor>
                          <Box mt={2}>
                            <StatusBadge status={event.bookingStatus} size="sm" />
                          </Box>
                        </Box>
                      ))}
                    </Stack>
                  </Paper>
                );
              })}
            </SimpleGrid>
          </ScrollRegion>
        )}
      </QueryState>
    </Stack>
  );
}
