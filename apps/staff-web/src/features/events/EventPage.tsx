import { Alert, Anchor, Avatar, Badge, Button, Card, Grid, Group, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useCustomer, useSenderSettings, useTemplate } from '../../api/resources';
import type { ChatterEntryView, EventView } from '../../api/types';
import { initials } from '../../components/initials';
import { QueryState } from '../../components/QueryState';
import { ScrollTable } from '../../components/ScrollRegion';
import { NotificationStateBadge, StatusBadge } from '../../components/StatusBadge';
import { durationMinutes, formatDateTime, formatDuration, formatEventTime, formatDay } from '../../components/time';
import { CustomerConversationCard } from '../../conversations/CustomerConversationCard';
import { useChatter, useEvent, useReminders } from './api';
import { SendPreviewDialog } from './SendPreviewDialog';
import { allowedSends, type SendAction } from './sends';

export function EventPage() {
  const { id = '' } = useParams();
  const event = useEvent(id);
  return (
    <QueryState isPending={event.isPending} error={event.error}>
      {() => event.data && <EventDetails event={event.data} />}
    </QueryState>
  );
}

function EventDetails({ event }: { event: EventView }) {
  const template = useTemplate(event.templateId);
  const [action, setAction] = useState<SendAction | null>(null);
  const sends = allowedSends(event, template.data);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={6}>
          <Group gap="sm" align="center">
            <Title order={1} size="h2">
              {event.title}
            </Title>
            <StatusBadge status={event.bookingStatus} size="lg" />
          </Group>
          <Text c="dimmed" size="sm">
            {formatDay(new Date(event.start), event.timeZone)} · {formatEventTime(event.start, event.end, event.timeZone)}
          </Text>
        </Stack>
        <Button component={Link} to={`/events/${event.id}/edit`} variant="default">
          Edit event
        </Button>
      </Group>

      <Card withBorder padding="md" radius="md">
        <Stack gap="sm">
          <Group gap="xs">
            <Text fw={600} size="sm">
              Notifications
            </Text>
            <NotificationStateBadge state={event.notificationState} />
            {event.notificationState === 'update_due' && event.changedFields.length > 0 && (
              <Text size="sm" c="dimmed">
                changed: {[...new Set(event.changedFields.map((change) => change.field))].join(', ')}
              </Text>
            )}
          </Group>
          {sends.length > 0 ? (
            <Group gap="xs">
              {sends.map((send) => (
                <Button
                  key={`${send.type}:${send.configKey ?? ''}`}
                  variant={send.type === 'cancellation' ? 'light' : 'filled'}
                  color={send.type === 'cancellation' ? 'red' : undefined}
                  onClick={() => setAction(send)}
                >
                  {send.label}
                </Button>
              ))}
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              No notification can be sent in this status.
            </Text>
          )}
        </Stack>
      </Card>

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <CustomerCard customerId={event.customerId} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <WhenAndWhere event={event} templateName={template.data?.name} />
        </Grid.Col>
      </Grid>

      {(event.declineReason || event.rescheduleReason) && (
        <Alert variant="light" color="orange" title="The customer said">
          {event.declineReason && <Text size="sm">Decline reason: {event.declineReason}</Text>}
          {event.rescheduleReason && <Text size="sm">Reschedule reason: {event.rescheduleReason}</Text>}
        </Alert>
      )}

      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <ChatterCard eventId={event.id} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="lg">
            <CustomerConversationCard customerId={event.customerId} />
            <RemindersCard eventId={event.id} timeZone={event.timeZone} />
          </Stack>
        </Grid.Col>
      </Grid>

      <SendPreviewDialog eventId={event.id} action={action} onClose={() => setAction(null)} />
    </Stack>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={130} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Group>
  );
}

function CustomerCard({ customerId }: { customerId: string }) {
  const customer = useCustomer(customerId);
  return (
    <Card withBorder padding="md" radius="md" h="100%">
      <Title order={2} size="h4" mb="sm">
        Customer
      </Title>
      <QueryState isPending={customer.isPending} error={customer.error}>
        {() =>
          customer.data && (
            <Stack gap={6}>
              <Group gap="sm" mb={4}>
                <Avatar radius="xl" color="indigo" alt="">
                  {initials(customer.data.name)}
                </Avatar>
                <Anchor component={Link} to={`/customers/${customer.data.id}`} fw={600}>
                  {customer.data.name}
                </Anchor>
              </Group>
              <Row label="Email">
                {customer.data.email ? <Anchor href={`mailto:${customer.data.email}`}>{customer.data.email}</Anchor> : '—'}
              </Row>
              <Row label="Phone">
                {customer.data.phone ? <Anchor href={`tel:${customer.data.phone}`}>{customer.data.phone}</Anchor> : '—'}
              </Row>
              <Row label="Prefers">{customer.data.preferredConfirmationMethod === 'sms' ? 'SMS' : 'Email'}</Row>
            </Stack>
          )
        }
      </QueryState>
    </Card>
  );
}

function WhenAndWhere({ event, templateName }: { event: EventView; templateName?: string }) {
  return (
    <Card withBorder padding="md" radius="md" h="100%">
      <Title order={2} size="h4" mb="sm">
        Appointment
      </Title>
      <Stack gap={6}>
        <Row label="When">{formatDateTime(event.start, event.timeZone)}</Row>
        <Row label="Time zone">{event.timeZone}</Row>
        <Row label="Duration">{formatDuration(durationMinutes(event.start, event.end))}</Row>
        <Row label="Location">
          {event.location ? (
            <>
              {event.location} ·{' '}
              <Anchor
                href={`https://www.openstreetmap.org/search?query=${encodeURIComponent(event.location)}`}
                target="_blank"
                rel="noreferrer"
              >
                Map
              </Anchor>
            </>
          ) : (
            '—'
          )}
        </Row>
        <Row label="Video">
          {event.videoUrl ? (
            <Anchor href={event.videoUrl} target="_blank" rel="noreferrer">
              {event.videoUrl}
            </Anchor>
          ) : (
            '—'
          )}
        </Row>
        <Row label="Salesperson">{event.salesperson ? `${event.salesperson.name} (${event.salesperson.email})` : '—'}</Row>
        <Row label="Organizer">{event.organizer?.name ?? '—'}</Row>
        <Row label="Template">{templateName ?? '—'}</Row>
        {event.description && <Row label="Description">{event.description}</Row>}
      </Stack>
    </Card>
  );
}

const OUTGOING = new Set([
  'notification_sent',
  'notification_requested',
  'confirmation_sent',
  'rsvp_request_sent',
  'reminder_sent',
  'update_sent',
  'cancellation_sent',
]);

function ChatterCard({ eventId }: { eventId: string }) {
  const chatter = useChatter(eventId);
  const sender = useSenderSettings();
  return (
    <Card withBorder padding="md" radius="md">
      <Title order={2} size="h4" mb="md">
        Chatter
      </Title>
      <QueryState isPending={chatter.isPending} error={chatter.error}>
        {() =>
          chatter.data && chatter.data.length > 0 ? (
            <Timeline bulletSize={32} lineWidth={2}>
              {chatter.data.map((entry) => (
                <Timeline.Item key={entry.id} bullet={<ChatterAvatar entry={entry} senderImage={sender.data?.imageUrl ?? null} />}>
                  <Group gap={6} wrap="wrap">
                    <Text size="sm" fw={600}>
                      {entry.author?.name ?? 'System'}
                    </Text>
                    {entry.channel && (
                      <Badge size="xs" variant="light" radius="sm">
                        {entry.channel.replace(/_/g, ' ')}
                      </Badge>
                    )}
                    <Text size="xs" c="dimmed">
                      {formatDateTime(entry.createdAt)}
                    </Text>
                  </Group>
                  <Text size="sm" mt={2} style={{ whiteSpace: 'pre-wrap' }}>
                    {entry.body}
                  </Text>
                </Timeline.Item>
              ))}
            </Timeline>
          ) : (
            <Text size="sm" c="dimmed">
              Nothing has happened yet.
            </Text>
          )
        }
      </QueryState>
    </Card>
  );
}

/** Outgoing messages carry the sender's image (as the customer saw it); initials otherwise. */
function ChatterAvatar({ entry, senderImage }: { entry: ChatterEntryView; senderImage: string | null }) {
  const outgoing = OUTGOING.has(entry.kind);
  const name = entry.author?.name ?? 'System';
  return (
    <Avatar size={30} radius="xl" src={outgoing ? senderImage : null} alt={outgoing ? 'Sender' : name} color={outgoing ? 'indigo' : 'gray'}>
      {initials(name)}
    </Avatar>
  );
}

function RemindersCard({ eventId, timeZone }: { eventId: string; timeZone: string }) {
  const reminders = useReminders(eventId);
  return (
    <Card withBorder padding="md" radius="md">
      <Title order={2} size="h4" mb="md">
        Reminders
      </Title>
      <QueryState isPending={reminders.isPending} error={reminders.error}>
        {() =>
          reminders.data && reminders.data.length > 0 ? (
            <ScrollTable label="Reminders" minWidth={320}>
              <Table verticalSpacing={6} fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Config</Table.Th>
                    <Table.Th>Due</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {reminders.data.map((reminder) => (
                    <Table.Tr key={reminder.id}>
                      <Table.Td>{reminder.configKey}</Table.Td>
                      <Table.Td>{formatDateTime(reminder.dueAt, timeZone)}</Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          radius="sm"
                          color={reminder.status === 'scheduled' ? 'blue' : reminder.status === 'fired' ? 'teal' : 'gray'}
                        >
                          {reminder.status}
                        </Badge>
                        {reminder.reason && (
                          <Text size="xs" c="dimmed">
                            {reminder.reason}
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          ) : (
            <Text size="sm" c="dimmed">
              No reminders scheduled.
            </Text>
          )
        }
      </QueryState>
    </Card>
  );
}
