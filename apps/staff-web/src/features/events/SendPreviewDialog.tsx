import { Alert, Badge, Box, Button, Code, Group, Loader, Modal, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client';
import type { NotificationPreview } from '../../api/types';
import { MessageBubble } from '../../components/MessageBubble';
import { BOOKING_STATUS_LABELS } from '../../components/StatusBadge';
import { usePreview, useSend, type SendRequest } from './api';
import type { SendAction } from './sends';

interface Props {
  eventId: string;
  action: SendAction | null;
  onClose: () => void;
}

/** The preview of a send (a dry run on the server) and its Send / Confirm cancellation button. */
export function SendPreviewDialog({ eventId, action, onClose }: Props) {
  return (
    <Modal opened={action !== null} onClose={onClose} title="Preview" size="xl" centered scrollAreaComponent={ScrollArea.Autosize}>
      {action && <PreviewBody key={`${action.type}:${action.configKey ?? ''}`} eventId={eventId} action={action} onClose={onClose} />}
    </Modal>
  );
}

function PreviewBody({ eventId, action, onClose }: { eventId: string; action: SendAction; onClose: () => void }) {
  // One key per dialog: a double click or a retry after a lost answer sends once.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [request] = useState<SendRequest>(() => ({ type: action.type, ...(action.configKey ? { configKey: action.configKey } : {}) }));
  const preview = usePreview(eventId, request);
  const send = useSend(eventId);
  const isCancellation = action.type === 'cancellation';

  const submit = () => {
    send.mutate(
      { request, idempotencyKey, confirmationToken: isCancellation ? preview.data?.confirmationToken : undefined },
      {
        onSuccess: (result) => {
          notifications.show({
            color: 'teal',
            title: isCancellation ? 'Cancellation sent' : 'Sent',
            message: `${action.label.replace(/^Send /, '')}: ${result.channels.map((channel) => channel.address).join(', ') || 'no channel'}`,
          });
          onClose();
        },
      },
    );
  };

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {action.label} — nothing is sent until you press {isCancellation ? 'Confirm cancellation' : 'Send'}.
      </Text>
      {preview.isPending && (
        <Group justify="center" py="lg">
          <Loader role="progressbar" aria-label="Loading preview" />
        </Group>
      )}
      {preview.error && (
        <Alert color="red" variant="light" role="alert" title="This notification cannot be sent">
          {preview.error instanceof Error ? preview.error.message : 'The preview failed'}
        </Alert>
      )}
      {preview.data && <PreviewContent preview={preview.data} />}
      {send.error && (
        <Alert color="red" variant="light" role="alert" title="Not sent">
          {send.error instanceof ApiError && send.error.status === 409 && isCancellation
            ? `${send.error.message}. Close this dialog and open the preview again.`
            : send.error.message}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
        <Button
          color={isCancellation ? 'red' : undefined}
          onClick={submit}
          loading={send.isPending}
          disabled={!preview.data || (isCancellation && !preview.data.confirmationToken) || send.isSuccess}
        >
          {isCancellation ? 'Confirm cancellation' : 'Send'}
        </Button>
      </Group>
    </Stack>
  );
}

function PreviewContent({ preview }: { preview: NotificationPreview }) {
  const calendar = preview.attachments.find(
    (attachment) => attachment.filename.endsWith('.ics') || attachment.contentType.includes('calendar'),
  );
  return (
    <Stack gap="md">
      <Paper withBorder p="sm" radius="md">
        <Stack gap={6}>
          <Group gap="xs">
            <Text size="sm" fw={600} w={90}>
              Recipient
            </Text>
            <Text size="sm">
              {preview.recipient.name}
              {preview.recipient.email && ` · ${preview.recipient.email}`}
              {preview.recipient.phone && ` · ${preview.recipient.phone}`}
            </Text>
          </Group>
          <Group gap="xs">
            <Text size="sm" fw={600} w={90}>
              Channels
            </Text>
            {preview.channels.length === 0 && (
              <Text size="sm" c="dimmed">
                none
              </Text>
            )}
            {preview.channels.map((channel) => (
              <Badge key={channel.channel} variant="light" radius="sm">
                {channel.channel === 'sms' ? 'SMS' : 'Email'} to {channel.address}
              </Badge>
            ))}
          </Group>
          {preview.skipped.map((skip) => (
            <Group gap="xs" key={skip.channel} wrap="nowrap" align="flex-start">
              <Text size="sm" fw={600} w={90} style={{ flexShrink: 0 }}>
                Skipped
              </Text>
              <Text size="sm">
                <Badge color="orange" variant="light" radius="sm" mr={6}>
                  {skip.channel === 'sms' ? 'SMS' : 'Email'}: {skip.reason.replace(/_/g, ' ')}
                </Badge>
                {skip.message}
              </Text>
            </Group>
          ))}
          <Group gap="xs">
            <Text size="sm" fw={600} w={90}>
              After
            </Text>
            <Text size="sm">
              {BOOKING_STATUS_LABELS[preview.effect.bookingStatus]} · {preview.effect.title}
            </Text>
          </Group>
          <Group gap="xs">
            <Text size="sm" fw={600} w={90}>
              From
            </Text>
            <Text size="sm">
              {preview.sender.name} &lt;{preview.sender.email}&gt;
            </Text>
          </Group>
        </Stack>
      </Paper>

      {preview.html !== null && (
        <Stack gap={6}>
          <Title order={3} size="h5">
            Email{preview.subject ? `: ${preview.subject}` : ''}
          </Title>
          <Box style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, overflow: 'hidden' }}>
            <iframe
              title="Email preview"
              sandbox=""
              srcDoc={preview.html}
              style={{ width: '100%', height: 420, border: 0, display: 'block', background: 'white' }}
            />
          </Box>
        </Stack>
      )}

      {preview.sms !== null && (
        <Stack gap={6}>
          <Title order={3} size="h5">
            SMS
          </Title>
          <MessageBubble text={preview.sms} direction="inbound" />
          {preview.smsSegments && (
            <Text size="xs" c="dimmed">
              {preview.smsSegments.segments} {preview.smsSegments.segments === 1 ? 'segment' : 'segments'} ·{' '}
              {preview.smsSegments.characters} characters · {preview.smsSegments.encoding}
            </Text>
          )}
        </Stack>
      )}

      {calendar && (
        <Stack gap={6}>
          <Title order={3} size="h5">
            Calendar file ({calendar.filename})
          </Title>
          <ScrollArea.Autosize mah={220} type="auto">
            <Code block>{calendar.content}</Code>
          </ScrollArea.Autosize>
        </Stack>
      )}
    </Stack>
  );
}
