/**
 * The shapes the staff API answers with. The views come from `libs/contracts` as types only
 * (erased at build time: no class-validator or Nest reaches the browser); the routes being added
 * with the staff web app (session, live stream, phone simulator) are described here.
 */
export type {
  ChatterEntryView,
  CustomerView,
  EventView,
  NotificationPreview,
  NotificationView,
  Page,
  ReminderView,
  SendNotificationResult,
  SenderSettingsView,
  StopListEntryView,
  TemplateView,
  NotificationConfig,
  ConversationView,
  ConversationMessageView,
  ConversationPage,
  ConversationMessagePage,
  RecentSmsView,
} from '@appointments/contracts';

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'staff';
}

export interface Session {
  staff: StaffMember;
  expiresAt: string;
}

export interface PhoneThreadSummary {
  phone: string;
  customer?: { id: string; name: string };
  lastMessage: { direction: 'outbound' | 'inbound'; body: string; at: string };
}

export interface PhoneMessage {
  direction: 'outbound' | 'inbound';
  body: string;
  at: string;
}

/** A page of `GET /api/events` (asked with a `limit`). */
export type EventPage<T> = { items: T[]; nextCursor?: string | null };
