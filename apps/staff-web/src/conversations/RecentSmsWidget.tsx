import { Anchor, Box, Card, Group, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { Link } from 'react-router-dom';
import type { RecentSmsView } from '../api/types';
import { QueryState } from '../components/QueryState';
import { formatDateTime } from '../components/time';
import { conversationHref, isE164, useRecentSms } from './api';
import { shortMessageTime } from './format';

/**
 * The agenda's "Recent SMS and confirmation notifications": the last 10 SMS customers sent (codes,
 * free text, STOP…), newest first, each opening its conversation; refreshed by the live stream.
 */
export function RecentSmsWidget() {
  const recent = useRecentSms();
  const headingId = useId();
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId}>
      <Group justify="space-between" align="baseline" mb="sm" wrap="nowrap">
        <Title order={2} size="h5" id={headingId}>
          Recent SMS and confirmation notifications
        </Title>
        <Anchor component={Link} to="/conversations" size="sm" style={{ flexShrink: 0 }}>
          View all
        </Anchor>
      </Group>
      <QueryState isPending={recent.isPending} error={recent.error}>
        {() =>
          recent.data && recent.data.items.length > 0 ? (
            <Box component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Recent SMS">
              {recent.data.items.map((sms, index) => (
                <RecentSmsRow key={`${sms.phone}-${sms.at}-${index}`} sms={sms} />
              ))}
            </Box>
          ) : (
            <Text size="sm" c="dimmed">
              No SMS from customers yet.
            </Text>
          )
        }
      </QueryState>
    </Card>
  );
}

function RecentSmsRow({ sms }: { sms: RecentSmsView }) {
  const whoId = useId();
  return (
    <Box component="li" py={8} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
      <Group justify="space-between" gap="xs" wrap="nowrap" align="baseline">
        <Text size="sm" fw={600} truncate id={whoId}>
          {sms.customer?.name ?? sms.phone}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          <time dateTime={sms.at} title={formatDateTime(sms.at)}>
            {shortMessageTime(sms.at)}
          </time>
        </Text>
      </Group>
      {sms.customer && (
        <Text size="xs" c="dimmed">
          {sms.phone}
        </Text>
      )}
      <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
        {sms.body}
      </Text>
      {isE164(sms.phone) && (
        <Anchor component={Link} to={conversationHref(sms.phone)} size="sm" aria-describedby={whoId}>
          View conversation
        </Anchor>
      )}
    </Box>
  );
}
