/**
 * The conversations API (api.md, "Conversations"; docs/conversations.md) as TanStack queries.
 * Shared by the inbox, the conversation view, the agenda's recent-SMS widget, the event page's chat
 * and the navigation's unread count, so it sits beside `features/`. The live stream invalidates
 * `['conversations', …]` (useLiveUpdates): nothing here polls.
 */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { api } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { useSession } from '../api/resources';
import type { ConversationMessagePage, ConversationMessageView, ConversationPage, RecentSmsView, StopListEntryView } from '../api/types';

/** `/api/conversations/%2B14155550100…`: the `+` of E.164 is URL-encoded. */
export const conversationPath = (phone: string) => `/api/conversations/${encodeURIComponent(phone)}`;

/** The app's own link to a conversation. */
export const conversationHref = (phone: string) => `/conversations/${encodeURIComponent(phone)}`;

/** E.164, the only form the `:phone` routes take (a short code shows in the list but has no view). */
export const isE164 = (phone: string) => /^\+[1-9]\d{6,14}$/.test(phone);

export interface ConversationFilters {
  search: string;
  unread: boolean;
}

/** The inbox: pages of 50, unread first; "Load more" follows `nextCursor`. */
export function useConversationList(filters: ConversationFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.conversationList(filters),
    queryFn: ({ pageParam, signal }) =>
      api<ConversationPage>('/api/conversations', {
        query: { search: filters.search.trim() || undefined, unread: filters.unread ? 'true' : undefined, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/**
 * One number's row of the inbox (its customer, its unread count): the messages page does not say
 * whose number it is, so the list is searched by the number's digits and the exact number kept.
 */
export function useConversationSummary(phone: string) {
  return useQuery({
    queryKey: queryKeys.conversationSummary(phone),
    queryFn: async ({ signal }) => {
      const page = await api<ConversationPage>('/api/conversations', { query: { search: phone.replace(/\D/g, ''), limit: 50 }, signal });
      return page.items.find((item) => item.phone === phone) ?? null;
    },
    enabled: /\d/.test(phone),
  });
}

/** The total unread SMS for the navigation (the first 200 conversations with any; "200+" beyond). */
export function useUnreadTotal(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.unreadConversations,
    queryFn: async ({ signal }) => {
      const page = await api<ConversationPage>('/api/conversations', { query: { unread: 'true', limit: 200 }, signal });
      return { total: page.items.reduce((sum, item) => sum + item.unread, 0), more: Boolean(page.nextCursor) };
    },
    enabled,
    retry: false,
  });
}

/**
 * A conversation's messages: the first page is the last 30 days (at most 100), each "Load older"
 * adds the page before `nextCursor`. `messages` is every loaded one, oldest first, without repeats.
 */
export function useConversationMessages(phone: string) {
  const query = useInfiniteQuery({
    queryKey: queryKeys.conversationMessages(phone),
    queryFn: ({ pageParam, signal }) =>
      api<ConversationMessagePage>(`${conversationPath(phone)}/messages`, { query: { before: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: isE164(phone),
  });
  const messages = useMemo(() => {
    const seen = new Set<string>();
    const out: ConversationMessageView[] = [];
    // pages[0] is the newest page; older pages come after it.
    for (const page of [...(query.data?.pages ?? [])].reverse()) {
      for (const message of page.items) {
        if (seen.has(message.id)) continue;
        seen.add(message.id);
        out.push(message);
      }
    }
    return out;
  }, [query.data]);
  return { ...query, messages };
}

export function useSendMessage(phone: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: string; idempotencyKey: string }) =>
      api<{ id: string }>(`${conversationPath(phone)}/messages`, {
        method: 'POST',
        body: { body },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.conversationMessages(phone) });
      void client.invalidateQueries({ queryKey: queryKeys.conversationLists });
    },
  });
}

/**
 * Marks the conversation read for this staff member when it is shown and whenever a newer inbound
 * SMS arrives while it is (`latestInboundId` changes); while the tab is hidden, when it shows again.
 */
export function useMarkRead(phone: string, latestInboundId: string | undefined, enabled: boolean) {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled || !isE164(phone)) return;
    let cancelled = false;
    const mark = () => {
      if (cancelled || document.visibilityState === 'hidden') return;
      cancelled = true;
      api(`${conversationPath(phone)}/read`, { method: 'POST' })
        .then(() => client.invalidateQueries({ queryKey: queryKeys.conversationLists }))
        .catch(() => undefined);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => {
      cancelled = true;
      document.removeEventListener('visibilitychange', mark);
    };
  }, [client, phone, latestInboundId, enabled]);
}

/** The agenda's widget: the last 10 inbound SMS, newest first. */
export function useRecentSms() {
  return useQuery({
    queryKey: queryKeys.recentSms,
    queryFn: ({ signal }) => api<{ items: RecentSmsView[] }>('/api/dashboard/recent-sms', { signal }),
  });
}

/** The number's SMS stop-list entry, or null (`address` is a partial match: the exact one is kept). */
export function useSmsStopListEntry(phone: string) {
  return useQuery({
    queryKey: queryKeys.stopListed('sms', phone),
    queryFn: async ({ signal }) => {
      const entries = await api<StopListEntryView[]>('/api/stop-list', { query: { channel: 'sms', address: phone }, signal });
      return entries.find((entry) => entry.channel === 'sms' && entry.address === phone) ?? null;
    },
    enabled: isE164(phone),
    retry: false,
  });
}

/**
 * Who wrote a staff message: "You", or for admins the name from the staff users (the messages
 * carry only `staffId`), else "Staff".
 */
export function useStaffNames(): (staffId: string | undefined) => string {
  const session = useSession();
  const me = session.data?.staff;
  const users = useQuery({
    queryKey: queryKeys.staffUsers,
    queryFn: ({ signal }) => api<{ id: string; name: string }[]>('/api/users', { signal }),
    enabled: me?.role === 'admin',
    staleTime: 5 * 60_000,
    retry: false,
  });
  return useMemo(() => {
    const names = new Map((users.data ?? []).map((user) => [user.id, user.name]));
    return (staffId) => {
      if (!staffId) return 'Staff';
      if (staffId === me?.id) return 'You';
      return names.get(staffId) ?? 'Staff';
    };
  }, [users.data, me?.id]);
}
