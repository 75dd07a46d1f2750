/**
 * The live stream (`GET /api/live`, Server-Sent Events, same-origin cookie): each event
 * invalidates the queries it concerns, so an open page shows the change within a second without
 * polling. EventSource reconnects on its own (with Last-Event-ID); a stream closed by a 401 (the
 * session expired) waits for the sign-in dialog and opens again.
 */
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api/client';
import { queryKeys } from '../api/query-keys';

interface EventChanged {
  eventId: string;
  type?: string;
}
interface ConversationMessage {
  phone: string;
}
interface NotificationStatus {
  notificationId: string;
  eventId?: string;
  status: string;
}

function parse<T>(message: MessageEvent): T | null {
  try {
    return JSON.parse(String(message.data)) as T;
  } catch {
    return null;
  }
}

function invalidateEvent(client: QueryClient, eventId: string | undefined): void {
  void client.invalidateQueries({ queryKey: queryKeys.eventLists });
  void client.invalidateQueries({ queryKey: queryKeys.console });
  if (!eventId) return;
  void client.invalidateQueries({ queryKey: queryKeys.event(eventId) });
  void client.invalidateQueries({ queryKey: queryKeys.chatter(eventId) });
  void client.invalidateQueries({ queryKey: queryKeys.reminders(eventId) });
}

/**
 * Conversation queries are refreshed at most every 250 ms (trailing): at 100 inbound SMS a second
 * each event would otherwise cancel the refetch the previous one started, and none would finish.
 */
function conversationInvalidator(client: QueryClient): { add: (key: readonly unknown[]) => void; stop: () => void } {
  const pending = new Map<string, readonly unknown[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const keys = [...pending.values()];
    pending.clear();
    for (const queryKey of keys) void client.invalidateQueries({ queryKey });
  };
  return {
    add: (key) => {
      pending.set(JSON.stringify(key), key);
      timer ??= setTimeout(flush, 250);
    },
    stop: () => clearTimeout(timer),
  };
}

export function useLiveUpdates(enabled: boolean): void {
  const client = useQueryClient();

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const conversations = conversationInvalidator(client);

    const open = () => {
      source = new EventSource('/api/live', { withCredentials: true });
      source.addEventListener('event_changed', (message) => {
        const data = parse<EventChanged>(message);
        invalidateEvent(client, data?.eventId);
      });
      source.addEventListener('notification_status', (message) => {
        const data = parse<NotificationStatus>(message);
        invalidateEvent(client, data?.eventId);
        // A sent SMS lands on the phone simulator's threads (only refetched where it is open).
        void client.invalidateQueries({ queryKey: queryKeys.phone });
        // A provider's later report (delivered, undelivered) of a conversation's SMS: its id is the message's.
        conversations.add(queryKeys.allConversationMessages);
      });
      source.addEventListener('conversation_message', (message) => {
        const data = parse<ConversationMessage>(message);
        if (data?.phone) conversations.add(queryKeys.conversationMessages(data.phone));
        conversations.add(queryKeys.conversationLists);
      });
      source.addEventListener('inbound_sms', (message) => {
        const data = parse<ConversationMessage>(message);
        if (data?.phone) {
          conversations.add(queryKeys.conversationMessages(data.phone));
          // STOP or START changes the stop list.
          conversations.add(queryKeys.stopListed('sms', data.phone));
        }
        conversations.add(queryKeys.conversationLists);
        conversations.add(queryKeys.recentSms);
        void client.invalidateQueries({ queryKey: queryKeys.phone });
        void client.invalidateQueries({ queryKey: queryKeys.console });
        void client.invalidateQueries({ queryKey: queryKeys.eventLists });
        // The chatter of whichever event the reply went to.
        void client.invalidateQueries({ queryKey: ['events', 'chatter'] });
        void client.invalidateQueries({ queryKey: ['events', 'detail'] });
      });
      source.addEventListener('resync', () => void client.invalidateQueries());
      source.onerror = () => {
        // CONNECTING: the browser retries by itself. CLOSED: refused (e.g. 401); ask the session, then open again.
        if (!source || source.readyState !== EventSource.CLOSED || stopped) return;
        source = null;
        retry = setTimeout(() => {
          api('/api/auth/session')
            .catch(() => undefined)
            .finally(() => {
              if (!stopped) {
                open();
                void client.invalidateQueries();
              }
            });
        }, 3000);
      };
    };

    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      conversations.stop();
      source?.close();
    };
  }, [client, enabled]);
}
