/**
 * One query key per resource, so the live stream can invalidate exactly what changed:
 * `['events', …]` holds the lists, one event, its chatter and reminders; the others are flat.
 */
export const queryKeys = {
  session: ['session'] as const,
  eventLists: ['events', 'list'] as const,
  eventList: (filters: object) => ['events', 'list', filters] as const,
  event: (id: string) => ['events', 'detail', id] as const,
  chatter: (id: string) => ['events', 'chatter', id] as const,
  reminders: (id: string) => ['events', 'reminders', id] as const,
  customers: ['customers'] as const,
  customerList: (search: string) => ['customers', 'list', search] as const,
  customer: (id: string) => ['customers', 'detail', id] as const,
  templates: ['templates'] as const,
  templateList: ['templates', 'list'] as const,
  template: (id: string) => ['templates', 'detail', id] as const,
  console: ['console'] as const,
  consolePage: (filters: object) => ['console', filters] as const,
  stopList: ['stop-list'] as const,
  sender: ['settings', 'sender'] as const,
  phone: ['phone'] as const,
  phoneThreads: ['phone', 'threads'] as const,
  phoneThread: (phone: string) => ['phone', 'thread', phone] as const,
};
