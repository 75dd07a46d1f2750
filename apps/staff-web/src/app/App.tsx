import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router-dom';
import { ApiError } from '../api/client';
import { prefetchSession } from '../api/resources';
import { startOfLocalDay } from '../components/time';
import { agendaFilters } from '../features/events/agenda-range';
import { prefetchEventList } from '../features/events/api';
import { router } from './routes';
import { cssVariablesResolver, theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Fresh data comes from the live stream's invalidations, not from polling.
      staleTime: 30_000,
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
    },
  },
});

/**
 * The session is asked for as the app starts, not at its first render; opening the app on the
 * agenda (its home), the agenda's page and its events are asked for at once too, beside the
 * session check, instead of one after the other once the session is known (measured by
 * `npm run bench:agenda`).
 */
prefetchSession(queryClient);
if (window.location.pathname === '/') {
  prefetchEventList(queryClient, agendaFilters(startOfLocalDay(new Date())));
  void import('../features/events/AgendaPage');
}

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
