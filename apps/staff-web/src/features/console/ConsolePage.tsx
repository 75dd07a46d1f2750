import { ActionIcon, Badge, Grid, Group, Pagination, Select, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { NotificationView, Page } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { ScrollTable } from '../../components/ScrollRegion';
import { formatDateTime } from '../../components/time';
import { DELIVERY_STATUSES, DIRECTIONS, NOTIFICATION_TYPES, RESPONSE_TYPES } from '@appointments/domain';

const CHANNELS = ['email', 'sms', 'email_link', 'sms_link', 'sms_reply'];
const PAGE_SIZE = 50;
const words = (value: string) => value.replace(/_/g, ' ');
const options = (values: readonly string[]) => values.map((value) => ({ value, label: words(value) }));
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const dayEnd = (day: string) => (day ? new Date(new Date(`${day}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined);

const STATUS_COLOURS: Record<string, string> = {
  pending: 'gray',
  sent: 'blue',
  delivered: 'teal',
  failed: 'red',
  undelivered: 'red',
  bounced: 'red',
  skipped: 'orange',
};

interface Filters {
  type: string;
  channel: string;
  status: string;
  direction: string;
  responseType: string;
  recipient: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { type: '', channel: '', status: '', direction: '', responseType: '', recipient: '', from: '', to: '' };

export function ConsolePage() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [recipient] = useDebouncedValue(filters.recipient, 300);
  const [expanded, setExpanded] = useState<string | null>(null);
  const query = useMemo(
    () => ({
      type: filters.type || undefined,
      channel: filters.channel || undefined,
      status: filters.status || undefined,
      direction: filters.direction || undefined,
      responseType: filters.responseType || undefined,
      recipient: recipient.trim() || undefined,
      from: dayStart(filters.from),
      to: dayEnd(filters.to),
      page,
      pageSize: PAGE_SIZE,
    }),
    [filters.type, filters.channel, filters.status, filters.direction, filters.responseType, recipient, filters.from, filters.to, page],
  );
  const rows = useQuery({
    queryKey: queryKeys.consolePage(query),
    queryFn: ({ signal }) => api<Page<NotificationView>>('/api/notifications', { query, signal }),
    placeholderData: keepPreviousData,
  });
  const set = (key: keyof Filters) => (value: string | null) => {
    setFilters((current) => ({ ...current, [key]: value ?? '' }));
    setPage(1);
  };

  return (
    <>
      <PageHeader title="Console" description="Every notification sent and every response received, newest first." />
      <Grid gutter="sm" mb="md" role="search" aria-label="Filter the console">
        <Grid.Col span={{ base: 6, md: 3 }}>
          <Select
            label="Type"
            placeholder="Any"
            clearable
            value={filters.type || null}
            onChange={set('type')}
            data={options(NOTIFICATION_TYPES)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 3 }}>
          <Select
            label="Channel"
            placeholder="Any"
            clearable
            value={filters.channel || null}
            onChange={set('channel')}
            data={options(CHANNELS)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <Select
            label="Delivery status"
            placeholder="Any"
            clearable
            value={filters.status || null}
            onChange={set('status')}
            data={options(DELIVERY_STATUSES)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <Select
            label="Direction"
            placeholder="Any"
            clearable
            value={filters.direction || null}
            onChange={set('direction')}
            data={options(DIRECTIONS)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <Select
            label="Response"
            placeholder="Any"
            clearable
            value={filters.responseType || null}
            onChange={set('responseType')}
            data={options(RESPONSE_TYPES)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 4 }}>
          <TextInput
            label="Recipient"
            placeholder="Name, email or phone"
            value={filters.recipient}
            onChange={(e) => set('recipient')(e.currentTarget.value)}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <TextInput type="date" label="From" value={filters.from} onChange={(e) => set('from')(e.currentTarget.value)} />
        </Grid.Col>
        <Grid.Col span={{ base: 6, md: 2 }}>
          <TextInput type="date" label="To" value={filters.to} onChange={(e) => set('to')(e.currentTarget.value)} />
        </Grid.Col>
      </Grid>
      <QueryState isPending={rows.isPending} error={rows.error}>
        {() =>
          rows.data && (
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                {rows.data.total} {rows.data.total === 1 ? 'row' : 'rows'}
              </Text>
              <ScrollTable label="Notifications" minWidth={880}>
                <Table verticalSpacing="xs" highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={40}>
                        <VisuallyHidden>Responses</VisuallyHidden>
                      </Table.Th>
                      <Table.Th>When</Table.Th>
                      <Table.Th>Type</Table.Th>
                      <Table.Th>Channel</Table.Th>
                      <Table.Th>Recipient</Table.Th>
                      <Table.Th>Content</Table.Th>
                      <Table.Th>Status</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.data.items.map((row) => (
                      <Fragment key={row.id}>
                        <ConsoleRow
                          row={row}
                          expanded={expanded === row.id}
                          onToggle={() => setExpanded(expanded === row.id ? null : row.id)}
                        />
                        {expanded === row.id && (
                          <Table.Tr>
                            <Table.Td colSpan={7} bg="gray.0">
                              <Responses notification={row} />
                            </Table.Td>
                          </Table.Tr>
                        )}
                      </Fragment>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
              <Pagination
                total={Math.max(1, Math.ceil(rows.data.total / rows.data.pageSize))}
                value={page}
                onChange={setPage}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
              />
            </Stack>
          )
        }
      </QueryState>
    </>
  );
}

function ConsoleRow({ row, expanded, onToggle }: { row: NotificationView; expanded: boolean; onToggle: () => void }) {
  const outbound = row.direction === 'outbound';
  return (
    <Table.Tr>
      <Table.Td>
        {outbound && (
          <ActionIcon
            variant="subtle"
            aria-expanded={expanded}
            aria-label={expanded ? 'Hide responses' : 'Show responses'}
            onClick={onToggle}
          >
            {expanded ? '▾' : '▸'}
          </ActionIcon>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(row.sentAt ?? row.createdAt)}</Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Badge variant="outline" size="xs" radius="sm" color={outbound ? 'indigo' : 'grape'} style={{ minWidth: 'max-content' }}>
            {outbound ? 'out' : 'in'}
          </Badge>
          <Text size="sm">{words(row.responseType ?? row.type)}</Text>
        </Group>
      </Table.Td>
      <Table.Td>{words(row.channel)}</Table.Td>
      <Table.Td>
        <Text size="sm">{row.recipientName}</Text>
        <Text size="xs" c="dimmed">
          {row.recipientEmail ?? row.recipientPhone}
        </Text>
      </Table.Td>
      <Table.Td maw={320}>
        {row.eventId ? (
          <Text component={Link} to={`/events/${row.eventId}`} size="sm" lineClamp={2} c="inherit">
            {row.subject ?? row.smsBody ?? row.text ?? row.reason ?? '—'}
          </Text>
        ) : (
          <Text size="sm" lineClamp={2}>
            {row.subject ?? row.smsBody ?? row.text ?? '—'}
          </Text>
        )}
        {row.error && (
          <Text size="xs" c="red">
            {row.error}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge variant="light" radius="sm" tt="none" color={STATUS_COLOURS[row.status] ?? 'gray'} style={{ minWidth: 'max-content' }}>
          {row.status}
        </Badge>
      </Table.Td>
    </Table.Tr>
  );
}

/** The inbound rows that answer one outbound notification (same event, `answersNotificationId`). */
function Responses({ notification }: { notification: NotificationView }) {
  const query = { eventId: notification.eventId ?? undefined, direction: 'inbound', pageSize: 200 };
  const responses = useQuery({
    queryKey: queryKeys.consolePage({ responsesTo: notification.id }),
    queryFn: ({ signal }) => api<Page<NotificationView>>('/api/notifications', { query, signal }),
    enabled: Boolean(notification.eventId),
  });
  const answers = (responses.data?.items ?? []).filter((row) => row.answersNotificationId === notification.id);
  if (!notification.eventId) return <Text size="sm">No event: no responses.</Text>;
  return (
    <QueryState isPending={responses.isPending} error={responses.error}>
      {() =>
        answers.length === 0 ? (
          <Text size="sm" c="dimmed">
            No response to this notification.
          </Text>
        ) : (
          <Stack gap={4}>
            {answers.map((answer) => (
              <Text size="sm" key={answer.id}>
                <strong>{words(answer.responseType ?? 'message')}</strong> by {words(answer.channel)} · {formatDateTime(answer.createdAt)}
                {answer.reason ? ` · “${answer.reason}”` : ''}
                {answer.smsBody ? ` · “${answer.smsBody}”` : ''}
              </Text>
            ))}
          </Stack>
        )
      }
    </QueryState>
  );
}
