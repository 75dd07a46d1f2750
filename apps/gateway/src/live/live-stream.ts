import {
  ConversationMessageAddedPayload,
  DeliveryStatusChangedPayload,
  DOMAIN_EVENT,
  NotificationFailedPayload,
} from '@appointments/contracts';
import type { DomainEventEnvelope } from '@appointments/messaging';
import { EVENT_CHANGING_TYPES } from '../landing/landing-views';

/**
 * The domain events `GET /api/live` follows, all bound to the gateway's one per-process feed
 * queue (DomainEventFeed: every replica sees every event):
 * - what changes an event (the landing pages' list) → `event_changed`;
 * - a notification sent or failed → `event_changed` and `notification_status`;
 * - a notification sent or failed by SMS → also `conversation_message` (its id is the notification's);
 * - a provider's delivery report → `notification_status`;
 * - an SMS from any number (a code, free text, a keyword), kept in its conversation by
 *   notification-dispatch with the number's customer → `inbound_sms` and `conversation_message`;
 *   the automatic answer to it → `conversation_message`.
 */
export const LIVE_EVENT_TYPES: readonly string[] = [
  ...EVENT_CHANGING_TYPES,
  DOMAIN_EVENT.NotificationSent,
  DOMAIN_EVENT.NotificationFailed,
  DOMAIN_EVENT.DeliveryStatusChanged,
  DOMAIN_EVENT.ConversationMessageAdded,
];

export type LiveEventName = 'event_changed' | 'notification_status' | 'inbound_sms' | 'conversation_message';

export interface LiveMessage {
  event: LiveEventName;
  data: Record<string, unknown>;
}

/** What the stream tells staff about one domain event (nothing for an event it does not concern). */
export function liveMessagesOf(envelope: DomainEventEnvelope): LiveMessage[] {
  const messages: LiveMessage[] = [];
  const changed = () =>
    envelope.eventId && messages.push({ event: 'event_changed', data: { eventId: envelope.eventId, type: envelope.type } });
  switch (envelope.type) {
    case DOMAIN_EVENT.NotificationSent:
    case DOMAIN_EVENT.NotificationFailed: {
      const payload = envelope.payload as Partial<NotificationFailedPayload>;
      changed();
      const eventId = envelope.eventId ?? payload.eventId;
      if (payload.notificationId) {
        const status = envelope.type === DOMAIN_EVENT.NotificationSent ? 'sent' : (payload.status ?? 'failed');
        messages.push({
          event: 'notification_status',
          data: { notificationId: payload.notificationId, ...(eventId ? { eventId } : {}), status },
        });
        if (payload.channel === 'sms' && payload.to) {
          messages.push({
            event: 'conversation_message',
            data: { phone: payload.to, id: payload.notificationId, direction: 'outbound', status },
          });
        }
      }
      break;
    }
    case DOMAIN_EVENT.DeliveryStatusChanged: {
      const payload = envelope.payload as Partial<DeliveryStatusChangedPayload>;
      if (payload.notificationId && payload.status) {
        messages.push({
          event: 'notification_status',
          data: {
            notificationId: payload.notificationId,
            ...(envelope.eventId ? { eventId: envelope.eventId } : {}),
            status: payload.status,
          },
        });
      }
      break;
    }
    case DOMAIN_EVENT.ConversationMessageAdded: {
      const { phone, customer, message } = envelope.payload as Partial<ConversationMessageAddedPayload>;
      if (!phone || !message) break;
      if (message.direction === 'inbound') {
        messages.push({
          event: 'inbound_sms',
          data: { phone, body: message.body, at: message.at, ...(customer ? { customer } : {}) },
        });
      }
      messages.push({
        event: 'conversation_message',
        data: { phone, id: message.id, direction: message.direction, status: message.status },
      });
      break;
    }
    default:
      changed();
  }
  return messages;
}

/** One open stream: where its frames go. */
export interface LiveConnection {
  /** Writes a frame; a connection that cannot keep up closes itself. */
  write(frame: string): void;
  /** Ends the stream (the gateway stops). */
  end(): void;
}

interface Buffered {
  seq: number;
  frame: string;
}

/**
 * The live stream of one gateway replica: each message is serialised once, given the id
 * `<replicaId>.<seq>`, kept in a ring buffer of the last `capacity` messages and written to
 * every open connection. A client that reconnects with `Last-Event-ID` gets what it missed
 * when this replica still has it; otherwise (another replica's id, a restarted replica, a
 * message already overwritten) one `resync`: it reloads what it shows. A gap in the feed
 * itself (the broker connection dropped) is a `resync` for everyone, kept in the buffer too.
 */
export class LiveStream {
  private readonly ring: (Buffered | undefined)[];
  private seq = 0;
  private readonly connections = new Set<LiveConnection>();

  constructor(
    readonly replicaId: string,
    private readonly capacity = 1000,
    private readonly retryMs = 2000,
  ) {
    if (!/^[A-Za-z0-9_-]+$/.test(replicaId)) throw new Error('a replica id is letters, digits, - and _ only');
    this.ring = new Array<Buffered | undefined>(capacity);
  }

  get size(): number {
    return this.connections.size;
  }

  get lastEventId(): string {
    return `${this.replicaId}.${this.seq}`;
  }

  /** Opens a stream: the reconnection delay, then what it missed (or a resync), then everything from now on. */
  connect(connection: LiveConnection, lastEventId?: string | null): void {
    let opening = `retry: ${this.retryMs}\n\n`;
    if (lastEventId) {
      const missed = this.since(lastEventId);
      opening += missed === null ? this.resyncFrame(this.lastEventId) : missed.join('');
    }
    connection.write(opening);
    this.connections.add(connection);
  }

  disconnect(connection: LiveConnection): void {
    this.connections.delete(connection);
  }

  /** Sends a message to every stream: serialised once. */
  publish(message: LiveMessage): void {
    this.broadcast(this.remember((id) => `id: ${id}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`));
  }

  /** Tells every stream (and whoever reconnects past this point) to reload: events may have been missed. */
  resync(): void {
    this.broadcast(this.remember((id) => this.resyncFrame(id)));
  }

  /** A comment line, so that proxies and browsers see the connection alive. */
  heartbeat(): void {
    this.broadcast(': keep-alive\n\n');
  }

  /** Ends every stream (the gateway stops; the clients reconnect to another replica). */
  endAll(): void {
    for (const connection of this.connections) connection.end();
    this.connections.clear();
  }

  private resyncFrame(id: string): string {
    return `id: ${id}\nevent: resync\ndata: {}\n\n`;
  }

  private remember(frameFor: (id: string) => string): string {
    this.seq += 1;
    const frame = frameFor(`${this.replicaId}.${this.seq}`);
    this.ring[this.seq % this.capacity] = { seq: this.seq, frame };
    return frame;
  }

  private broadcast(frame: string): void {
    for (const connection of this.connections) connection.write(frame);
  }

  /** The frames after `lastEventId`, oldest first; null when they cannot all be told. */
  private since(lastEventId: string): string[] | null {
    const match = /^([A-Za-z0-9_-]+)\.(\d{1,15})$/.exec(lastEventId.trim());
    if (!match || match[1] !== this.replicaId) return null;
    const last = Number(match[2]);
    if (last > this.seq) return null;
    const oldestKept = Math.max(1, this.seq - this.capacity + 1);
    if (last < oldestKept - 1) return null;
    const frames: string[] = [];
    for (let seq = last + 1; seq <= this.seq; seq++) {
      const entry = this.ring[seq % this.capacity];
      if (!entry || entry.seq !== seq) return null;
      frames.push(entry.frame);
    }
    return frames;
  }
}
