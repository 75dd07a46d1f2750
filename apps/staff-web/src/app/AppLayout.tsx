import {
  Anchor,
  AppShell,
  Avatar,
  Badge,
  Box,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect } from 'react';
import { Link, Navigate, Outlet, ScrollRestoration, useLocation, useNavigate, useNavigation } from 'react-router-dom';
import { api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { useSession } from '../api/resources';
import type { PhoneThreadSummary } from '../api/types';
import { SessionExpiredDialog } from '../auth/SessionExpiredDialog';
import { initials } from '../components/initials';
import { useUnreadTotal } from '../conversations/api';
import { useLiveUpdates } from '../live/useLiveUpdates';

const NAVIGATION = [
  { to: '/', label: 'Agenda', exact: true },
  { to: '/events', label: 'Events' },
  { to: '/customers', label: 'Customers' },
  { to: '/templates', label: 'Templates' },
  { to: '/conversations', label: 'Conversations' },
  { to: '/console', label: 'Console' },
  { to: '/stop-list', label: 'Stop list' },
  { to: '/settings', label: 'Settings' },
];

/** Whether the local SMS sink is active (the phone simulator answers 404 otherwise); admins only. */
function usePhoneSimulatorAvailable(isAdmin: boolean): boolean {
  const threads = useQuery({
    queryKey: queryKeys.phoneThreads,
    queryFn: () => api<{ items: PhoneThreadSummary[] }>('/api/dev/phone/threads'),
    enabled: isAdmin,
    retry: false,
    staleTime: 60_000,
  });
  return isAdmin && threads.isSuccess;
}

/** The unread SMS of every conversation, read with the link's name ("Conversations 3 unread"). */
function UnreadBadge({ total, more }: { total: number; more: boolean }) {
  return (
    <Badge size="sm" variant="filled" color="red" style={{ minWidth: 'max-content' }}>
      {total}
      {more ? '+' : ''}
      <VisuallyHidden> unread</VisuallyHidden>
    </Badge>
  );
}

export function AppLayout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const queryClient = useQueryClient();
  const [opened, { toggle, close }] = useDisclosure();
  // Below the `sm` breakpoint the navbar is a drawer: while closed it is off screen, and hidden so
  // that Tab does not walk through links nobody can see.
  const narrow = useMediaQuery('(max-width: 47.99em)');
  const staff = session.data?.staff;
  const isAdmin = staff?.role === 'admin';
  const phoneAvailable = usePhoneSimulatorAvailable(isAdmin);
  const unread = useUnreadTotal(Boolean(staff));
  useLiveUpdates(Boolean(staff));

  useEffect(close, [location.pathname, close]);

  if (session.isPending) {
    return (
      <Center mih="100vh">
        <Loader role="progressbar" aria-label="Loading" />
      </Center>
    );
  }
  if (!staff) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;

  const signOut = async () => {
    try {
      await api('/api/auth/session', { method: 'DELETE', retryAfterSignIn: false });
    } catch {
      // Signed out either way: the cookie is gone or was already invalid.
    }
    queryClient.clear();
    queryClient.setQueryData(queryKeys.session, null);
    navigate('/login', { replace: true });
  };

  const isActive = (to: string, exact?: boolean) =>
    exact ? location.pathname === to : location.pathname === to || location.pathname.startsWith(`${to}/`);

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Anchor component={Link} to="/" underline="never" c="inherit" fw={700} size="lg">
              Appointments
            </Anchor>
            {navigation.state === 'loading' && <Loader size="xs" role="progressbar" aria-label="Loading page" />}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Group gap={8} wrap="nowrap" visibleFrom="xs">
              <Avatar size="sm" radius="xl" color="indigo" alt="">
                {initials(staff.name)}
              </Avatar>
              <Text size="sm" fw={500} data-testid="signed-in-name">
                {staff.name}
              </Text>
            </Group>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation" style={narrow && !opened ? { visibility: 'hidden' } : undefined}>
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap={2}>
            {NAVIGATION.map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                active={isActive(item.to, item.exact)}
                aria-current={isActive(item.to, item.exact) ? 'page' : undefined}
                variant="light"
                rightSection={
                  item.to === '/conversations' && unread.data && unread.data.total > 0 ? <UnreadBadge {...unread.data} /> : undefined
                }
              />
            ))}
            {phoneAvailable && <NavLink component={Link} to="/dev/phone" label="Phone" active={isActive('/dev/phone')} variant="light" />}
            {isAdmin && <NavLink component="a" href="/ops/queues" label="Queues" />}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Box hiddenFrom="xs" px="sm" py="xs">
            <Text size="xs" c="dimmed">
              Signed in as
            </Text>
            <Text size="sm" fw={500}>
              {staff.name}
            </Text>
          </Box>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Box maw={1280} mx="auto">
          <Suspense
            fallback={
              <Center py="xl">
                <Loader role="progressbar" aria-label="Loading" />
              </Center>
            }
          >
            <Outlet />
          </Suspense>
        </Box>
      </AppShell.Main>
      <SessionExpiredDialog />
      {/* A new screen opens at its top (back and forward return where they were), not where the last one was scrolled to. */}
      <ScrollRestoration />
    </AppShell>
  );
}
