import { Injectable } from '@nestjs/common';
import { DISPATCH_REQUEST, DOMAIN_EVENT, EventView, LandingTokenView, SCHEDULING_REQUEST, SERVICE } from '@appointments/contracts';
import { DomainEventFeed, RpcClient } from '@appointments/messaging';
import { GatewayConfig } from '../gateway.config';
import { LandingRefusal } from './landing-refusal.filter';
import { isPlausibleLandingToken } from './landing-view-model';

/**
 * Every domain event after which a customer's page may show something else: the event's
 * status, title, time, place or reasons changed. Published by scheduling.
 */
export const EVENT_CHANGING_TYPES: readonly string[] = [
  DOMAIN_EVENT.EventBooked,
  DOMAIN_EVENT.RsvpRequested,
  DOMAIN_EVENT.ReminderSent,
  DOMAIN_EVENT.UpdateSent,
  DOMAIN_EVENT.EventCancelled,
  DOMAIN_EVENT.FieldsChanged,
  DOMAIN_EVENT.EventRescheduled,
  DOMAIN_EVENT.ResponseApplied,
];

interface Entry<T> {
  value: T;
  /** Epoch ms after which the entry is not used. */
  until: number;
}

/**
 * A bounded map from key to value with an expiry per entry; the oldest entry goes first
 * when it is full (a customer's page is read in a burst, then rarely again).
 */
export class ExpiringCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(private readonly maxEntries: number) {}

  get(key: string, now = Date.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, until: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * What the landing pages read: a landing token's view (notification-dispatch) and its
 * event (scheduling), each asked for once and then kept in memory.
 *
 * - A token's view never changes (the config as it was sent); it is kept until the token
 *   expires or for `LANDING_CACHE_SECONDS`, whichever is sooner.
 * - An event is kept for `LANDING_CACHE_SECONDS` at most, and dropped as soon as this
 *   replica hears (DomainEventFeed, its own queue) that scheduling changed it. A read that
 *   was in flight while the event changed is not kept, and when
 *   the broker connection drops (events may have been missed) everything is dropped, reads in flight too.
 * - Unknown and expired tokens are not kept: the refusal comes from the owning service.
 * - Concurrent reads of the same key share one request.
 */
@Injectable()
export class LandingViews {
  private readonly tokens: ExpiringCache<LandingTokenView>;
  private readonly events: ExpiringCache<EventView>;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Per event id, the reads of it in flight: a change heard meanwhile marks them, and a marked read is not kept. */
  private readonly eventReads = new Map<string, Set<{ overlappedChange: boolean }>>();
  private readonly ttlMs: number;

  constructor(
    private readonly rpc: RpcClient,
    feed: DomainEventFeed,
    config: GatewayConfig,
  ) {
    this.ttlMs = config.LANDING_CACHE_SECONDS * 1000;
    this.tokens = new ExpiringCache(config.LANDING_CACHE_ENTRIES);
    this.events = new ExpiringCache(config.LANDING_CACHE_ENTRIES);
    if (this.ttlMs > 0) {
      feed.listen({
        types: EVENT_CHANGING_TYPES,
        onEvent: (envelope) => envelope.eventId && this.eventChanged(envelope.eventId),
        onGap: () => this.clear(),
      });
    }
  }

  resolve(token: string): Promise<LandingTokenView> {
    if (!isPlausibleLandingToken(token)) return Promise.reject(new LandingRefusal('not_found', 'not a landing token'));
    const cached = this.tokens.get(token);
    if (cached) return Promise.resolve(cached);
    return this.shared(`token:${token}`, async () => {
      const view = await this.rpc.request<LandingTokenView>(SERVICE.notificationDispatch, DISPATCH_REQUEST.resolveLandingToken, { token });
      if (this.ttlMs > 0) this.tokens.set(token, view, Math.min(Date.now() + this.ttlMs, Date.parse(view.expiresAt)));
      return view;
    });
  }

  /** The event as it is now. `fresh` skips the cache (an answer is checked against the latest state). */
  event(id: string, options: { fresh?: boolean } = {}): Promise<EventView> {
    if (!options.fresh) {
      const cached = this.events.get(id);
      if (cached) return Promise.resolve(cached);
    }
    const read = async () => {
      const flight = { overlappedChange: false };
      const reads = this.eventReads.get(id) ?? new Set();
      this.eventReads.set(id, reads.add(flight));
      try {
        const view = await this.rpc.request<EventView>(SERVICE.scheduling, SCHEDULING_REQUEST.getEvent, { id });
        if (this.ttlMs > 0 && !flight.overlappedChange) this.events.set(id, view, Date.now() + this.ttlMs);
        return view;
      } finally {
        reads.delete(flight);
        if (reads.size === 0 && this.eventReads.get(id) === reads) this.eventReads.delete(id);
      }
    };
    return options.fresh ? read() : this.shared(`event:${id}`, read);
  }

  /** Heard that scheduling changed the event: drop it, and make reads in flight not keep what they get. */
  eventChanged(id: string): void {
    this.events.delete(id);
    for (const flight of this.eventReads.get(id) ?? []) flight.overlappedChange = true;
  }

  clear(): void {
    this.tokens.clear();
    this.events.clear();
    for (const reads of this.eventReads.values()) for (const flight of reads) flight.overlappedChange = true;
  }

  private shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = read().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
