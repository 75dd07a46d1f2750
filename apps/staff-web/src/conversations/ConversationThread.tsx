import { Alert, Anchor, Box, Button, Center, Group, Stack, Text, Textarea } from '@mantine/core';
import { useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, newIdempotencyKey } from '../api/client';
import type { ConversationMessageView } from '../api/types';
import { QueryState } from '../components/QueryState';
import { ScrollRegion } from '../components/ScrollRegion';
import { formatDateTime } from '../components/time';
import { isE164, useConversationMessages, useMarkRead, useSendMessage, useSmsStopListEntry, useStaffNames } from './api';
import { smsSegments } from './sms-segments';

/** At most ten UCS-2 segments: Twilio takes 1,600 characters (the API's MAX_STAFF_MESSAGE_LENGTH). */
const MAX_LENGTH = 1600;

const SOURCE_LABELS: Record<ConversationMessageView['source'], string> = {
  notification: 'Notification',
  auto_reply: 'Auto-reply',
  staff: 'Staff',
  customer: 'Customer',
};

const STATUS_LABELS: Record<string, string> = {
  pending: 'Sending…',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
  undelivered: 'Undelivered',
  bounced: 'Bounced',
  skipped: 'Skipped',
};
const FAILED = new Set(['failed', 'undelivered', 'bounced', 'skipped']);

/**
 * One number's SMS both ways as a chat (inbound on the left, outbound on the right), with "Load
 * older", and the composer: **Message**, **Send message**, the segment counter and the stop-list
 * warning. Reading it marks it read. Used by the conversation view and, `compact`, beside an event.
 */
export function ConversationThread({ phone, compact = false, customerName }: { phone: string; compact?: boolean; customerName?: string }) {
  const thread = useConversationMessages(phone);
  const { messages } = thread;
  const staffName = useStaffNames();
  const latestInbound = [...messages].reverse().find((message) => message.direction === 'inbound')?.id;
  useMarkRead(phone, latestInbound, thread.isSuccess);

  // The newest message in view as on a phone; loading older ones keeps the reader where they were.
  const viewport = useRef<HTMLDivElement>(null);
  const newestId = messages[messages.length - 1]?.id;
  const oldestId = messages[0]?.id;
  const previous = useRef<{ newestId?: string; oldestId?: string; height: number }>({ height: 0 });
  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const before = previous.current;
    if (newestId !== before.newestId) element.scrollTo({ top: element.scrollHeight });
    else if (oldestId !== before.oldestId) element.scrollTop += element.scrollHeight - before.height;
    previous.current = { newestId, oldestId, height: element.scrollHeight };
  }, [newestId, oldestId]);

  if (!isE164(phone)) {
    return (
      <Alert color="gray" variant="light" title="Not a mobile number">
        {phone} is not an E.164 number; its messages cannot be shown or answered here.
      </Alert>
    );
  }

  const who = customerName ?? phone;
  return (
    <Stack gap={0}>
      <ScrollRegion
        h={compact ? 340 : 'max(280px, calc(100dvh - 440px))'}
        px="md"
        py="sm"
        label={`Messages with ${who}`}
        viewportRef={viewport}
      >
        <QueryState isPending={thread.isPending} error={thread.error}>
          {() => (
            <Stack gap="sm">
              {thread.hasNextPage && (
                <Center>
                  <Button variant="default" size="xs" loading={thread.isFetchingNextPage} onClick={() => void thread.fetchNextPage()}>
                    Load older
                  </Button>
                </Center>
              )}
              {messages.length === 0 && (
                <Text size="sm" c="dimmed" ta="center" py="md">
                  {thread.hasNextPage ? 'No messages in the last 30 days.' : 'No messages yet. Write the first one below.'}
                </Text>
              )}
              <Stack gap="sm" role="log" aria-label={`Messages with ${who}`} aria-live="polite">
                {messages.map((message) => (
                  <Bubble key={message.id} message={message} author={message.source === 'staff' ? staffName(message.staffId) : undefined} />
                ))}
              </Stack>
            </Stack>
          )}
        </QueryState>
      </ScrollRegion>
      <Composer phone={phone} compact={compact} />
    </Stack>
  );
}

function Bubble({ message, author }: { message: ConversationMessageView; author?: string }) {
  const outbound = message.direction === 'outbound';
  const failed = outbound && FAILED.has(message.status);
  const source = message.source === 'staff' && author ? `${SOURCE_LABELS.staff} · ${author}` : SOURCE_LABELS[message.source];
  return (
    <Box style={{ display: 'flex', flexDirection: 'column', alignItems: outbound ? 'flex-end' : 'flex-start' }}>
      <Box
        maw="min(85%, 420px)"
        px="md"
        py={8}
        style={{
          background: outbound ? 'var(--mantine-color-indigo-filled)' : 'var(--mantine-color-gray-1)',
          color: outbound ? 'white' : 'var(--mantine-color-black)',
          borderRadius: outbound ? '18px 18px 4px 18px' : '18px 18px 18px 4px',
          whiteSpace: 'pre-wrap',
          overflowWrap: 'anywhere',
          fontSize: 'var(--mantine-font-size-sm)',
        }}
      >
        {message.body}
      </Box>
      <Text size="xs" c="dimmed" mt={2} ta={outbound ? 'right' : 'left'}>
        {source} · <time dateTime={message.at}>{formatDateTime(message.at)}</time>
        {outbound && (
          <>
            {' · '}
            <Text span size="xs" c={failed ? 'red' : undefined} fw={failed ? 600 : undefined}>
              {STATUS_LABELS[message.status] ?? message.status}
            </Text>
          </>
        )}
      </Text>
    </Box>
  );
}

function Composer({ phone, compact }: { phone: string; compact: boolean }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  // One key per message: a double click or a retry of the same text sends once; another text is another message.
  const idempotencyKey = useRef(newIdempotencyKey());
  const send = useSendMessage(phone);
  const stopped = useSmsStopListEntry(phone);
  const counter = smsSegments(text);
  const refusedByStopList = send.error instanceof ApiError && send.error.status === 422 && /stop list/i.test(send.error.message);
  const onStopList = Boolean(stopped.data) || refusedByStopList;

  const change = (value: string) => {
    setText(value);
    setError(undefined);
    idempotencyKey.current = newIdempotencyKey();
    if (send.error) send.reset();
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body) {
      setError('Write a message');
      return;
    }
    if (body.length > MAX_LENGTH) {
      setError(`At most ${MAX_LENGTH} characters`);
      return;
    }
    setError(undefined);
    send.mutate(
      { body, idempotencyKey: idempotencyKey.current },
      {
        onSuccess: () => {
          setText('');
          idempotencyKey.current = newIdempotencyKey();
        },
      },
    );
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
  };

  const segments =
    counter.segments === 0
      ? `${counter.encoding}: ${counter.perSegment} characters per SMS`
      : `${counter.units} / ${counter.segments * counter.perSegment} · ${counter.segments} ${counter.segments === 1 ? 'segment' : 'segments'} · ${counter.encoding}` +
        (counter.firstNonGsm ? ` (because of “${counter.firstNonGsm}”)` : '');

  return (
    <form onSubmit={submit} noValidate aria-label={`Write to ${phone}`}>
      <Stack gap={6} p={compact ? 'sm' : 'md'} style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
        {onStopList && (
          <Alert color="orange" variant="light" title="On the SMS stop list" role="status">
            {phone} opted out of SMS{stopped.data?.keyword ? ` (“${stopped.data.keyword}”)` : ''}: nothing can be sent to it until it is
            taken off the{' '}
            <Anchor component={Link} to="/stop-list" size="sm" inherit>
              stop list
            </Anchor>{' '}
            (or the customer texts START).
          </Alert>
        )}
        {send.error && !refusedByStopList && (
          <Alert color="red" variant="light" role="alert">
            {send.error.message}
          </Alert>
        )}
        <Textarea
          label="Message"
          placeholder={onStopList ? 'This number opted out of SMS' : 'Write an SMS…'}
          autosize
          minRows={compact ? 1 : 2}
          maxRows={8}
          value={text}
          onChange={(event) => change(event.currentTarget.value)}
          onKeyDown={onKeyDown}
          error={error}
          description={segments}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          maxLength={MAX_LENGTH}
        />
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Text size="xs" c="dimmed" visibleFrom="sm">
            Ctrl+Enter sends
          </Text>
          <Button type="submit" loading={send.isPending} disabled={onStopList} ml="auto">
            Send message
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
