import { Anchor, Card, Group, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { Link } from 'react-router-dom';
import { useCustomer } from '../api/resources';
import { QueryState } from '../components/QueryState';
import { conversationHref, isE164 } from './api';
import { ConversationThread } from './ConversationThread';

/** The event page's live chat: the conversation with the customer's mobile number, compact. */
export function CustomerConversationCard({ customerId }: { customerId: string }) {
  const customer = useCustomer(customerId);
  const headingId = useId();
  const phone = customer.data?.phone ?? null;
  return (
    <Card withBorder radius="md" padding={0} component="section" aria-labelledby={headingId}>
      <Group justify="space-between" gap="xs" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Title order={2} size="h4" id={headingId}>
          SMS conversation
        </Title>
        {phone && isE164(phone) && (
          <Anchor component={Link} to={conversationHref(phone)} size="sm">
            Open in Conversations
          </Anchor>
        )}
      </Group>
      <QueryState isPending={customer.isPending} error={customer.error}>
        {() =>
          phone && isE164(phone) ? (
            <ConversationThread phone={phone} customerName={customer.data?.name} compact />
          ) : (
            <Text size="sm" c="dimmed" p="md">
              {phone ? `${phone} is not a mobile number in E.164 form.` : 'The customer has no mobile number.'}
            </Text>
          )
        }
      </QueryState>
    </Card>
  );
}
