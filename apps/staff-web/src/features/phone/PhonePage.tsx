import { Alert, Button, Card, Grid, Group, NavLink, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { PhoneMessage, PhoneThreadSummary } from '../../api/types';
import { MessageBubble } from '../../components/MessageBubble';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { ScrollRegion } from '../../components/ScrollRegion';
import { formatDateTime } from '../../components/time';

/**
 * The phone simulator (admins, local SMS sink only): every number the platform texted, its
 * thread as the customer's phone shows it, and a reply box that goes through the same path as a
 * real SMS reply. The live stream's `inbound_sms` and `notification_status` refresh it.
 */
export function PhonePage() {
  const threads = useQuery({
    queryKey: queryKeys.phoneThreads,
    queryFn: ({ signal }) => api<{ items: PhoneThreadSummary[] }>('/api/dev/phone/threads', { signal }),
    retry: false,
  });
  const [selected, setSelected] = useState<string | null>(null);
  const phone = selected ?? threads.data?.items[0]?.phone ?? null;

  if (threads.error instanceof ApiError && threads.error.status === 404) {
    return (
      <>
        <PageHeader title="Phone" />
        <Alert color="gray" variant="light" title="Not available">
          The phone simulator works only while the local SMS sink is active (no SMS provider configured).
        </Alert>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Phone" description="Simulated customer phones: read what was sent and reply as the customer." />
      <QueryState isPending={threads.isPending} error={threads.error}>
        {() => (
          <Grid gutter="lg">
            <Grid.Col span={{ base: 12, md: 4 }}>
              <Card withBorder radius="md" padding="xs">
                <Title order={2} size="h5" px="xs" py={6}>
                  Numbers
                </Title>
                {threads.data?.items.length === 0 && (
                  <Text size="sm" c="dimmed" px="xs">
                    No SMS sent yet.
                  </Text>
                )}
                <nav aria-label="Numbers">
                  {threads.data?.items.map((thread) => (
                    <NavLink
                      key={thread.phone}
                      component="button"
                      type="button"
                      active={thread.phone === phone}
                      aria-current={thread.phone === phone ? 'true' : undefined}
                      onClick={() => setSelected(thread.phone)}
                      label={thread.customer ? `${thread.customer.name} · ${thread.phone}` : thread.phone}
                      description={thread.lastMessage.body}
                      styles={{ description: { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' } }}
                    />
                  ))}
                </nav>
              </Card>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }}>{phone && <Thread key={phone} phone={phone} />}</Grid.Col>
          </Grid>
        )}
      </QueryState>
    </>
  );
}

function Thread({ phone }: { phone: string }) {
  const client = useQueryClient();
  const path = `/api/dev/phone/threads/${encodeURIComponent(phone)}`;
  const messages = useQuery({
    queryKey: queryKeys.phoneThread(phone),
    queryFn: ({ signal }) => api<{ items: PhoneMessage[] }>(path, { signal }),
  });
  const [reply, setReply] = useState('');
  const [error, setError] = useState<string | undefined>();
  const send = useMutation({
    mutationFn: (body: string) => api<{ messageSid: string; reply?: string }>(`${path}/replies`, { method: 'POST', body: { body } }),
    onSuccess: () => {
      setReply('');
      void client.invalidateQueries({ queryKey: queryKeys.phone });
    },
  });
  // The latest message in view, as on a phone: the thread scrolls, not the page around it.
  const viewport = useRef<HTMLDivElement>(null);
  const count = messages.data?.items.length ?? 0;
  useEffect(() => {
    viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [count]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reply.trim()) {
      setError('Type a reply');
      return;
    }
    if (reply.length > 1600) {
      setError('At most 1600 characters');
      return;
    }
    setError(undefined);
    send.mutate(reply.trim());
  };

  return (
    <Card withBorder radius="md" padding={0}>
      <Group px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Title order={2} size="h5">
          {phone}
        </Title>
      </Group>
      <ScrollRegion h={460} px="md" py="sm" label={`Messages with ${phone}`} viewportRef={viewport}>
        <QueryState isPending={messages.isPending} error={messages.error}>
          {() => (
            <Stack gap="sm" role="log" aria-live="polite">
              {messages.data?.items.map((message, index) => (
                <MessageBubble
                  key={`${message.at}-${index}`}
                  text={message.body}
                  direction={message.direction === 'outbound' ? 'inbound' : 'outbound'}
                  meta={`${message.direction === 'outbound' ? 'Received' : 'Sent'} · ${formatDateTime(message.at)}`}
                />
              ))}
            </Stack>
          )}
        </QueryState>
      </ScrollRegion>
      <form onSubmit={submit} noValidate>
        <Stack gap={6} p="md" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
          {send.error && (
            <Alert color="red" variant="light" role="alert">
              {send.error.message}
            </Alert>
          )}
          {send.data?.reply && (
            <Text size="xs" c="dimmed">
              Auto-reply: {send.data.reply}
            </Text>
          )}
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              label="Reply"
              placeholder="1, 2, 3 or any text"
              value={reply}
              onChange={(e) => setReply(e.currentTarget.value)}
              error={error}
              style={{ flex: 1 }}
            />
            <Button type="submit" mt={25} loading={send.isPending}>
              Send reply
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
