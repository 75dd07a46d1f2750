/**
 * The routes. Every screen but the sign-in page is loaded on demand (`lazy`), so the first
 * download holds only the shell: React, Mantine's layout, the router and the query cache.
 */
import { createBrowserRouter, type RouteObject } from 'react-router-dom';
import { LoginPage } from '../auth/LoginPage';
import { AppLayout } from './AppLayout';
import { NotFoundPage } from './NotFoundPage';

const page = (load: () => Promise<{ Component: React.ComponentType }>): Pick<RouteObject, 'lazy'> => ({ lazy: load });

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    element: <AppLayout />,
    children: [
      { index: true, ...page(() => import('../features/events/AgendaPage').then((m) => ({ Component: m.AgendaPage }))) },
      { path: 'events', ...page(() => import('../features/events/EventsPage').then((m) => ({ Component: m.EventsPage }))) },
      { path: 'events/new', ...page(() => import('../features/events/EventFormPage').then((m) => ({ Component: m.NewEventPage }))) },
      { path: 'events/:id', ...page(() => import('../features/events/EventPage').then((m) => ({ Component: m.EventPage }))) },
      { path: 'events/:id/edit', ...page(() => import('../features/events/EventFormPage').then((m) => ({ Component: m.EditEventPage }))) },
      { path: 'customers', ...page(() => import('../features/customers/CustomersPage').then((m) => ({ Component: m.CustomersPage }))) },
      {
        path: 'customers/new',
        ...page(() => import('../features/customers/CustomerFormPage').then((m) => ({ Component: m.NewCustomerPage }))),
      },
      {
        path: 'customers/:id',
        ...page(() => import('../features/customers/CustomerFormPage').then((m) => ({ Component: m.CustomerPage }))),
      },
      { path: 'templates', ...page(() => import('../features/templates/TemplatesPage').then((m) => ({ Component: m.TemplatesPage }))) },
      {
        path: 'templates/:id',
        ...page(() => import('../features/templates/TemplateEditorPage').then((m) => ({ Component: m.TemplateEditorPage }))),
      },
      { path: 'console', ...page(() => import('../features/console/ConsolePage').then((m) => ({ Component: m.ConsolePage }))) },
      {
        path: 'conversations/:phone?',
        ...page(() => import('../features/conversations/ConversationsPage').then((m) => ({ Component: m.ConversationsPage }))),
      },
      { path: 'stop-list', ...page(() => import('../features/stop-list/StopListPage').then((m) => ({ Component: m.StopListPage }))) },
      { path: 'settings', ...page(() => import('../features/settings/SettingsPage').then((m) => ({ Component: m.SettingsPage }))) },
      { path: 'dev/phone', ...page(() => import('../features/phone/PhonePage').then((m) => ({ Component: m.PhonePage }))) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
