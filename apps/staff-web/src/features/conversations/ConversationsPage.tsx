import {
  Anchor,
  Avatar,
  Badge,
  Box,
  Button,
  Card,
  Center,
  Grid,
  Group,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { ConversationView } from '../../api/types';
import { initials } from '../../components/initials';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { conversationHref, useConversationList, useConversationSummary } from '../../conversations/api';
import { ConversationThread } from '../../conversations/ConversationThread';
import { shortMessageTime } from '../../conversations/format';

/**
 * `/conversations` (the inbox) and `/conversations/:phone` (one conversation): on a wide screen
 * side by side, as shared inboxes are; under 992 px one at a time, with a link back to the inbox.
 * One route (`:phone?`), so choosing a conversation keeps the inbox's search and pages.
 */
export function ConversationsPage() {
  const { phone: raw } = useParams();
  const phone = raw ? safeDecode(raw) : undefined;
  const wide = useMediaQuery('(min-width: 62em)', true, { getInitialValueInEffect: false });
  const showList = wide || !phone;

  return (
    <>
      <PageHeader title="Conversations" description="Every SMS to and from each mobile number, unread first." />
      <Grid gutter="lg">
        {showList && (
          <Grid.Col span={{ base: 12, md: 5, lg: 4 }}>
            <Inbox selected={phone} />
          </Grid.Col>
        )}
        {phone ? (
          <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
            <ConversationPane key={phone} phone={phone} backLink={!wide} />
          </Grid.Col>
        ) : (
          wide && (
            <Grid.Col span={{ base: 12, md: 7, lg: 8 }}>
              <Card withBorder radius="md" padding="xl" h="100%">
                <Center h="100%">
                  <Text c="dimmed" size="sm">
                    Choose a conversation to read it and answer.
                  </Text>
                </Center>
              </Card>
            </Grid.Col>
          )
        )}
      </Grid>
    </>
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function Inbox({ selected }: { selected?: string }) {
  const [search, setSearch] = useState('');
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const [debounced] = useDebouncedValue(search, 250);
  const filters = useMemo(() => ({ search: debounced, unread: show === 'unread' }), [debounced, show]);
  const list = useConversationList(filters);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card withBorder radius="md" padding={0}>
      <Stack gap="xs" p="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <TextInput
          type="search"
          label="Search"
          placeholder="Name or number"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
        />
        <SegmentedControl
          aria-label="Show"
          size="xs"
          value={show}
          onChange={(value) => setShow(value as 'all' | 'unread')}
          data={[
            { value: 'all', label: 'All' },
            { value: 'unread', label: 'Unread' },
          ]}
        />
      </Stack>
      <QueryState isPending={list.isPending} error={list.error}>
        {() => (
          <>
            {items.length === 0 ? (
              <Text size="sm" c="dimmed" p="md">
                {filters.search || filters.unread ? 'No conversation matches.' : 'No SMS yet.'}
              </Text>
            ) : (
              <Box component="ul" aria-label="Conversations" m={0} p={0} style={{ listStyle: 'none' }}>
                {items.map((item) => (
                  <li key={item.phone}>
                    <InboxRow conversation={item} selected={item.phone === selected} />
                  </li>
                ))}
              </Box>
            )}
            {list.hasNextPage && (
              <Center p="sm">
                <Button variant="default" size="xs" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                  Load more
                </Button>
              </Center>
            )}
          </>
        )}
      </QueryState>
    </Card>
  );
}

function InboxRow({ conversation, selected }: { conversation: ConversationView; selected: boolean }) {
  const name = conversation.customer?.name ?? conversation.phone;
  const unread = conversation.unread > 0;
  return (
    <UnstyledButton
      component={Link}
      to={conversationHref(conversation.phone)}
      aria-current={selected ? 'page' : undefined}
      display="block"
      px="sm"
      py={10}
      className="mantine-focus-auto"
      style={{
        borderBottom: '1px solid var(--mantine-color-gray-2)',
        background: selected ? 'var(--mantine-color-indigo-light)' : undefined,
      }}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Avatar radius="xl" color={unread ? 'indigo' : 'gray'} alt="" aria-hidden>
          {conversation.customer ? initials(conversation.customer.name) : '#'}
        </Avatar>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6} justify="space-between" wrap="nowrap">
            <Text size="sm" fw={unread ? 700 : 500} truncate>
              {name}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              <time dateTime={conversation.lastMessage.at}>{shortMessageTime(conversation.lastMessage.at)}</time>
            </Text>
          </Group>
          {conversation.customer && (
            <Text size="xs" c="dimmed">
              {conversation.phone}
            </Text>
          )}
          <Group gap={6} justify="space-between" wrap="nowrap">
            <Text size="sm" c={unread ? undefined : 'dimmed'} fw={unread ? 500 : undefined} truncate>
              {conversation.lastMessage.direction === 'outbound' ? 'Sent: ' : ''}
              {conversation.lastMessage.body}
            </Text>
            {unread && (
              <Badge size="sm" circle={conversation.unread < 10} variant="filled" style={{ flexShrink: 0, minWidth: 'max-content' }}>
                {conversation.unread}
                <VisuallyHidden> unread</VisuallyHidden>
              </Badge>
            )}
          </Group>
        </Box>
      </Group>
    </UnstyledButton>
  );
}

function ConversationPane({ phone, backLink }: { phone: string; backLink: boolean }) {
  const summary = useConversationSummary(phone);
  const customer = summary.data?.customer;
  return (
    <Card withBorder radius="md" padding={0}>
      <Stack gap={2} px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        {backLink && (
          <Anchor component={Link} to="/conversations" size="sm">
            ← All conversations
          </Anchor>
        )}
        <Title order={2} size="h4">
          {customer?.name ?? phone}
        </Title>
        <Group gap="xs">
          <Anchor href={`tel:${phone}`} size="sm">
            {phone}
          </Anchor>
          {customer && (
            <Anchor component={Link} to={`/customers/${customer.id}`} size="sm">
              Customer details
            </Anchor>
          )}
        </Group>
      </Stack>
      <ConversationThread phone={phone} customerName={customer?.name} />
    </Card>
  );
}
