import { STAFF_MESSAGE_TYPE, type ConversationSource } from '@appointments/contracts';
import { InvalidInput } from '@appointments/domain';

/** A conversation shows its last 30 days unless older messages are asked for with a cursor. */
export const CONVERSATION_WINDOW_DAYS = 30;
export const DEFAULT_MESSAGE_PAGE = 100;
export const DEFAULT_CONVERSATION_PAGE = 50;
/** How long a number without a known customer is not looked up again in scheduling. */
export const CUSTOMER_LOOKUP_AGAIN_MS = 10 * 60_000;

/** The source of an outbound SMS, from its console type. */
export function sourceOfNotificationType(type: string): ConversationSource {
  if (type === 'auto_reply') return 'auto_reply';
  if (type === STAFF_MESSAGE_TYPE) return 'staff';
  return 'notification';
}

/**
 * What a search of the inbox means: letters look for the customer's name (any case), a search of
 * digits (spaces, dashes, dots, parentheses and a leading + allowed) looks for those digits in the
 * number. `%` and `_` are matched as typed.
 */
export function conversationSearch(search: string | undefined): { name: string } | { digits: string } | null {
  const text = search?.trim();
  if (!text) return null;
  if (/^\+?[\d\s().-]+$/.test(text)) {
    const digits = text.replace(/\D/g, '');
    if (digits.length > 0) return { digits };
  }
  return { name: text };
}

/** Where the next page of the inbox starts: after this conversation, in the inbox's order (unread first, then latest). */
export interface ConversationCursor {
  unread: boolean;
  at: string;
  phone: string;
}

/** Where the next (older) page of a conversation starts: before this message. */
export interface MessageCursor {
  at: string;
  id: string;
}

export function encodeCursor(cursor: ConversationCursor | MessageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeConversationCursor(text: string): ConversationCursor {
  const value = decode(text, 'cursor');
  if (typeof value.unread !== 'boolean' || !isInstant(value.at) || typeof value.phone !== 'string' || value.phone.length > 40) {
    throw new InvalidInput('cursor is not a cursor of this list (pass nextCursor back as it came)', { field: 'cursor' });
  }
  return { unread: value.unread, at: value.at as string, phone: value.phone };
}

export function decodeMessageCursor(text: string): MessageCursor {
  const value = decode(text, 'before');
  if (!isInstant(value.at) || typeof value.id !== 'string' || !UUID.test(value.id)) {
    throw new InvalidInput('before is not a cursor of this conversation (pass nextCursor back as it came)', { field: 'before' });
  }
  return { at: value.at as string, id: value.id };
}

/** The start of the default window of a conversation. */
export function windowStart(now: Date): Date {
  return new Date(now.getTime() - CONVERSATION_WINDOW_DAYS * 24 * 60 * 60_000);
}

/** The oldest message kept under `CONVERSATION_RETENTION_DAYS` (0 keeps everything: null). */
export function retentionHorizon(now: Date, days: number): Date | null {
  return days > 0 ? new Date(now.getTime() - days * 24 * 60 * 60_000) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decode(text: string, field: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw new InvalidInput(`${field} is not a cursor (pass nextCursor back as it came)`, { field });
}

function isInstant(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));
}
