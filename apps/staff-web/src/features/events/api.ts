/** The events feature's calls: lists with filters, one event, its chatter and reminders, sends. */
import { keepPreviousData, QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { ChatterEntryView, EventPage, EventView, NotificationPreview, ReminderView, SendNotificationResult } from '../../api/types';
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
  /** By start; `asc` (an agenda) unless said. */
  order?: 'asc' | 'desc';
}

/** An event as listed, with its customer's name (`GET /api/events`). */
export type ListedEvent = EventView & { customer?: { id: string; name: string } | null };

export interface EventList {
  items: ListedEvent[];
  nextCursor: string | null;
}

const PAGE = 500;

async function fetchPage(filters: EventFilters, cursor: string | null, signal: AbortSignal, retryAfterSignIn = true): Promise<EventList> {
  // With a `limit` the gateway answers a page (`{items, nextCursor}`), filtered on the server.
  const query = { ...filters, order: filters.order ?? 'asc', limit: filters.limit ?? PAGE, cursor: cursor ?? undefined };
  const answer = await api<EventPage<ListedEvent>>('/api/events', { query, signal, retryAfterSignIn });
  return { items: answer.items, nextCursor: answer.nextCursor ?? null };
}

/**
 * Every event that matches (`GET /api/events`, filtered on the server, by start ascending),
 * page after page: for the agenda and the week, which show a bounded time range.
 */
export function useEventList(filters: EventFilters) {
  return useQuery({
    queryKey: queryKeys.eventList(filters),
    queryFn: ({ signal }) => allPages(filters, signal),
    placeholderData: keepPreviousData,
  });
}

async function allPages(filters: EventFilters, signal: AbortSignal, retryAfterSignIn = true) {
  const items: ListedEvent[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const answer = await fetchPage(filters, cursor, signal, retryAfterSignIn);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return { items, nextCursor: cursor };
}

/**
 * Starts a list's request before its page is there (the app's start on the agenda: the request
 * runs beside the session check and the page's own download). Without a session it fails
 * quietly; the page then asks again once signed in.
 */
export function prefetchEventList(queryClient: QueryClient, filters: EventFilters): void {
  void queryClient.prefetchQuery({
    queryKey: queryKeys.eventList(filters),
    queryFn: ({ signal }) => allPages(filters, signal, false),
    retry: false,
  });
}

/** The events list: pages of 100 with a "Load more". */
export function useEventPages(filters: EventFilters) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.eventList(filters), 'pages'],
    queryFn: ({ signal, pageParam }) => fetchPage({ ...filters, limit: 100 }, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
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
