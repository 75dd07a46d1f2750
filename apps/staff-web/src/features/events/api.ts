/** The events feature's calls: lists with filters, one event, its chatter and reminders, sends. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { ChatterEntryView, EventsAnswer, EventView, NotificationPreview, ReminderView, SendNotificationResult } from '../../api/types';
import type { BookingStatus, CustomerNotificationType, NotificationState } from '@appointments/domain';

export interface EventFilters {
  search?: string;
  bookingStatus?: BookingStatus | '';
  notificationState?: NotificationState | '';
  templateId?: string;
  /** ISO instants. */
  from?: string;
  to?: string;
  limit?: number;
}

/** An event as listed; the gateway may embed the customer's name. */
export type ListedEvent = EventView & { customer?: { id: string; name: string } | null };

export interface EventList {
  items: ListedEvent[];
  nextCursor: string | null;
}

/**
 * `GET /api/events` with the filters as query parameters. While the gateway still answers a
 * plain array (no server-side filters yet), the same filters are applied here.
 * TODO(gateway): drop the client-side filtering once /api/events answers `{items, nextCursor}` filtered.
 */
export function useEventList(filters: EventFilters, customerNames?: Map<string, string>) {
  return useQuery({
    queryKey: queryKeys.eventList(filters),
    queryFn: async ({ signal }): Promise<EventList> => {
      const answer = await api<EventsAnswer<ListedEvent>>('/api/events', { query: { ...filters }, signal });
      if (Array.isArray(answer)) return { items: filterLocally(answer, filters, customerNames), nextCursor: null };
      return { items: answer.items, nextCursor: answer.nextCursor ?? null };
    },
    placeholderData: keepPreviousData,
  });
}

function filterLocally(events: ListedEvent[], filters: EventFilters, customerNames?: Map<string, string>): ListedEvent[] {
  const search = filters.search?.trim().toLowerCase();
  const from = filters.from ? new Date(filters.from).getTime() : null;
  const to = filters.to ? new Date(filters.to).getTime() : null;
  return events
    .filter((event) => {
      if (filters.bookingStatus && event.bookingStatus !== filters.bookingStatus) return false;
      if (filters.notificationState && event.notificationState !== filters.notificationState) return false;
      if (filters.templateId && event.templateId !== filters.templateId) return false;
      const start = new Date(event.start).getTime();
      if (from !== null && new Date(event.end).getTime() < from) return false;
      if (to !== null && start >= to) return false;
      if (search) {
        const haystack = [event.title, event.location, event.customer?.name, customerNames?.get(event.customerId)]
          .filter(Boolean)
          .join(' ')
          .toLowerCase();
        if (!haystack.includes(search)) return false;
      }
      return true;
    })
    .sort((a, b) => a.start.localeCompare(b.start));
}

export function useEvent(id: string) {
  return useQuery({ queryKey: queryKeys.event(id), queryFn: ({ signal }) => api<EventView>(`/api/events/${id}`, { signal }) });
}

export function useChatter(id: string) {
  return useQuery({
    queryKey: queryKeys.chatter(id),
    queryFn: ({ signal }) => api<ChatterEntryView[]>(`/api/events/${id}/chatter`, { signal }),
  });
}

export function useReminders(id: string) {
  return useQuery({
    queryKey: queryKeys.reminders(id),
    queryFn: ({ signal }) => api<ReminderView[]>(`/api/events/${id}/reminders`, { signal }),
  });
}

export interface SendRequest {
  type: CustomerNotificationType;
  configKey?: string;
}

export function usePreview(eventId: string, request: SendRequest | null) {
  return useQuery({
    queryKey: ['events', 'preview', eventId, request],
    queryFn: () => api<NotificationPreview>(`/api/events/${eventId}/notifications/preview`, { method: 'POST', body: request }),
    enabled: request !== null,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

export function useSend(eventId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { request: SendRequest; confirmationToken?: string; idempotencyKey: string }) =>
      api<SendNotificationResult>(`/api/events/${eventId}/notifications`, {
        method: 'POST',
        body: { ...input.request, ...(input.confirmationToken ? { confirmationToken: input.confirmationToken } : {}) },
        headers: { 'Idempotency-Key': input.idempotencyKey },
      }),
    onSuccess: (result) => {
      client.setQueryData(queryKeys.event(eventId), result.event);
      void client.invalidateQueries({ queryKey: ['events'] });
      void client.invalidateQueries({ queryKey: queryKeys.console });
    },
  });
}

export interface EventInput {
  customerId: string;
  templateId: string;
  start: string;
  end: string;
  timeZone: string;
  location?: string | null;
  videoUrl?: string | null;
  description?: string | null;
  salesperson?: { name: string; email: string } | null;
}

export function useSaveEvent(id: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { body: Partial<EventInput>; idempotencyKey: string }) =>
      id
        ? api<EventView>(`/api/events/${id}`, { method: 'PATCH', body: input.body })
        : api<EventView>('/api/events', { method: 'POST', body: input.body, headers: { 'Idempotency-Key': input.idempotencyKey } }),
    onSuccess: (event) => {
      client.setQueryData(queryKeys.event(event.id), event);
      void client.invalidateQueries({ queryKey: ['events'] });
    },
  });
}
