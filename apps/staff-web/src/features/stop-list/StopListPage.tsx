import { ActionIcon, Button, Card, Grid, Group, Select, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey, unplacedErrors } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { StopListEntryView } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { FormErrors, QueryState } from '../../components/QueryState';
import { ScrollTable } from '../../components/ScrollRegion';
import { formatDateTime } from '../../components/time';
import { isE164, isEmail, normalisePhone } from '../../components/validation';

type Channel = 'email' | 'sms';

export function StopListPage() {
  const client = useQueryClient();
  const [channelFilter, setChannelFilter] = useState<Channel | ''>('');
  const [addressFilter, setAddressFilter] = useState('');
  const [debouncedAddress] = useDebouncedValue(addressFilter, 250);
  const filters = { channel: channelFilter || undefined, address: debouncedAddress.trim() || undefined };
  const entries = useQuery({
    queryKey: [...queryKeys.stopList, filters],
    queryFn: ({ signal }) => api<StopListEntryView[]>('/api/stop-list', { query: filters, signal }),
  });
  const remove = useMutation({
    mutationFn: (entry: StopListEntryView) =>
      api(`/api/stop-list/${entry.channel}/${encodeURIComponent(entry.address)}`, { method: 'DELETE' }),
    onSuccess: (_, entry) => {
      void client.invalidateQueries({ queryKey: queryKeys.stopList });
      notifications.show({ color: 'teal', message: `${entry.address} taken off the stop list.` });
    },
    onError: (error) => notifications.show({ color: 'red', message: error.message }),
  });

  return (
    <>
      <PageHeader title="Stop list" description="Addresses that opted out: nothing is sent to them on that channel." />
      <AddEntry />
      <Grid gutter="sm" my="md">
        <Grid.Col span={{ base: 12, sm: 4 }}>
          <Select
            label="Channel"
            placeholder="Any"
            clearable
            value={channelFilter || null}
            onChange={(value) => setChannelFilter((value ?? '') as Channel | '')}
            data={[
              { value: 'sms', label: 'SMS' },
              { value: 'email', label: 'Email' },
            ]}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 8 }}>
          <TextInput label="Address contains" value={addressFilter} onChange={(e) => setAddressFilter(e.currentTarget.value)} />
        </Grid.Col>
      </Grid>
      <QueryState isPending={entries.isPending} error={entries.error}>
        {() =>
          entries.data && entries.data.length > 0 ? (
            <ScrollTable label="Stop list" minWidth={640}>
              <Table striped verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Channel</Table.Th>
                    <Table.Th>Address</Table.Th>
                    <Table.Th>How</Table.Th>
                    <Table.Th>Since</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {entries.data.map((entry) => (
                    <Table.Tr key={`${entry.channel}:${entry.address}`}>
                      <Table.Td>{entry.channel === 'sms' ? 'SMS' : 'Email'}</Table.Td>
                      <Table.Td>{entry.address}</Table.Td>
                      <Table.Td>
                        {entry.keyword ? `replied ${entry.keyword}` : entry.changedBy ? `added by ${entry.changedBy.name}` : entry.source}
                        {entry.reason && (
                          <Text size="xs" c="dimmed">
                            {entry.reason}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{formatDateTime(entry.optedOutAt)}</Table.Td>
                      <Table.Td>
                        <Tooltip label="Take off the stop list">
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Remove ${entry.address}`}
                            loading={remove.isPending && remove.variables === entry}
                            onClick={() => remove.mutate(entry)}
                          >
                            ×
                          </ActionIcon>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          ) : (
            <Text c="dimmed">The stop list is empty.</Text>
          )
        }
      </QueryState>
    </>
  );
}

function AddEntry() {
  const client = useQueryClient();
  const [channel, setChannel] = useState<Channel>('sms');
  const [address, setAddress] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const add = useMutation({
    mutationFn: (body: { channel: Channel; address: string; reason?: string }) =>
      api<StopListEntryView>('/api/stop-list', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: (entry) => {
      setAddress('');
      setReason('');
      setIdempotencyKey(newIdempotencyKey());
      void client.invalidateQueries({ queryKey: queryKeys.stopList });
      notifications.show({ color: 'teal', message: `${entry.address} is on the stop list.` });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = channel === 'sms' ? normalisePhone(address.trim()) : address.trim();
    const problem =
      channel === 'sms'
        ? isE164(value)
          ? undefined
          : 'Enter a phone number such as +14155550100'
        : isEmail(value)
          ? undefined
          : 'Enter an email address';
    setError(problem);
    if (problem) return;
    add.mutate({ channel, address: value, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };
  const apiError = add.error instanceof ApiError ? add.error : null;

  return (
    <Card withBorder radius="md" padding="md">
      <form onSubmit={submit} noValidate>
        <Title order={2} size="h5" mb="sm">
          Add an address
        </Title>
        <FormErrors messages={add.error ? unplacedErrors(add.error, ['address', 'reason', 'channel']) : []} />
        <Grid gutter="sm" align="flex-end">
          <Grid.Col span={{ base: 12, sm: 2 }}>
            <Select
              label="Channel to stop"
              allowDeselect={false}
              value={channel}
              onChange={(value) => setChannel((value ?? 'sms') as Channel)}
              data={[
                { value: 'sms', label: 'SMS' },
                { value: 'email', label: 'Email' },
              ]}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput
              label="Address"
              value={address}
              onChange={(e) => setAddress(e.currentTarget.value)}
              error={error ?? apiError?.fieldError('address')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput
              label="Reason"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={apiError?.fieldError('reason')}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 2 }}>
            <Group justify="flex-end">
              <Button type="submit" loading={add.isPending} fullWidth>
                Add
              </Button>
            </Group>
          </Grid.Col>
        </Grid>
      </form>
    </Card>
  );
}
