/**
 * Reads that several features share (lookups): the session, customers, templates and the sender.
 * Each feature keeps its own calls in its folder; these are the common ground beside `features/`.
 */
import { QueryClient, useQuery } from '@tanstack/react-query';
import { api, ApiError } from './client';
import { queryKeys } from './query-keys';
import type { CustomerView, SenderSettingsView, Session, TemplateView } from './types';

async function readSession(): Promise<Session | null> {
  try {
    return await api<Session>('/api/auth/session', { retryAfterSignIn: false });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Asks for the session as the app starts, before the first render needs it. */
export function prefetchSession(queryClient: QueryClient): void {
  void queryClient.prefetchQuery({ queryKey: queryKeys.session, queryFn: readSession, retry: false });
}

/** The signed-in staff member, or null when nobody is signed in (a 401 here is an answer). */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: readSession,
    // Read once; signing in or out sets it. An expired session shows the sign-in dialog (client.ts) instead.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
}

export function useCustomers(search: string) {
  return useQuery({
    queryKey: queryKeys.customerList(search),
    queryFn: ({ signal }) => api<CustomerView[]>('/api/customers', { query: { search: search.trim() || undefined }, signal }),
    placeholderData: (previous) => previous,
  });
}

export function useCustomer(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.customer(id ?? ''),
    queryFn: ({ signal }) => api<CustomerView>(`/api/customers/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: Boolean(id),
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: queryKeys.templateList,
    queryFn: ({ signal }) => api<TemplateView[]>('/api/templates', { signal }),
    staleTime: 60_000,
  });
}

export function useTemplate(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.template(id ?? ''),
    queryFn: ({ signal }) => api<TemplateView>(`/api/templates/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: Boolean(id),
  });
}

export function useSenderSettings() {
  return useQuery({
    queryKey: queryKeys.sender,
    queryFn: ({ signal }) => api<SenderSettingsView>('/api/settings/sender', { signal }),
    staleTime: 5 * 60_000,
  });
}
