import type { EntityManager } from 'typeorm';
import type { InMemoryCustomersRepository } from './customers.repository.fake';
import { EventEntity } from './event.entity';
import type { EventFilter, EventsRepository, EventWithCustomer } from './events.repository';

/**
 * `EventsRepository` in memory, for use-case specs: reads hand out copies and writes store copies
 * (as a database would), so an event changes only through the repository's writes. Its customers
 * are those of the customers repository given (an event without one is not found, as the join
 * finds none). Locks are not modelled.
 */
export class InMemoryEventsRepository implements Pick<EventsRepository, keyof EventsRepository> {
  private readonly rows = new Map<string, EventEntity>();
  /** The ids of each `saveStatusChanges` call, in order: one entry per statement the real one sends. */
  readonly statusWrites: string[][] = [];

  /** Events as stored, before the spec runs. */
  constructor(
    private readonly customers: InMemoryCustomersRepository,
    events: EventEntity[] = [],
  ) {
    for (const event of events) this.rows.set(event.id, copy(event));
  }

  /** The event as stored now (a copy), or undefined. */
  stored(id: string): EventEntity | undefined {
    const row = this.rows.get(id);
    return row && copy(row);
  }

  async findWithCustomers(_manager: EntityManager, ids: string[]): Promise<EventWithCustomer[]> {
    return [...new Set(ids)].sort().flatMap((id) => {
      const event = this.stored(id);
      const customer = event && this.customers.stored(event.customerId);
      return event && customer ? [{ event, customer }] : [];
    });
  }

  async idsOfCustomer(_manager: EntityManager, customerId: string): Promise<string[]> {
    return [...this.rows.values()].filter((row) => row.customerId === customerId).map((row) => row.id);
  }

  async listLatest(_manager: EntityManager): Promise<EventEntity[]> {
    return [...this.rows.values()]
      .sort((a, b) => b.start.getTime() - a.start.getTime())
      .slice(0, 500)
      .map(copy);
  }

  async findMatching(_manager: EntityManager, filter: EventFilter): Promise<EventEntity[]> {
    const search = filter.search?.toLowerCase();
    const sign = filter.order === 'asc' ? 1 : -1;
    const compare = (a: { start: Date; id: string }, b: { start: Date; id: string }) =>
      sign * (a.start.getTime() - b.start.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return [...this.rows.values()]
      .filter(
        (row) =>
          (!search ||
            row.title.toLowerCase().includes(search) ||
            Boolean(this.customers.stored(row.customerId)?.name.toLowerCase().includes(search))) &&
          (!filter.bookingStatus || row.bookingStatus === filter.bookingStatus) &&
          (!filter.notificationState || row.notificationState === filter.notificationState) &&
          (!filter.templateId || row.templateId === filter.templateId) &&
          (!filter.from || row.start >= filter.from) &&
          (!filter.to || row.start < filter.to) &&
          (!filter.after || compare(row, filter.after) > 0),
      )
      .sort(compare)
      .slice(0, filter.limit)
      .map(copy);
  }

  async exists(_manager: EntityManager, id: string): Promise<boolean> {
    return this.rows.has(id);
  }

  async isKnown(_manager: EntityManager, id: string): Promise<boolean> {
    return this.rows.has(id);
  }

  async existingIds(_manager: EntityManager, ids: string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.rows.has(id)));
  }

  async countUsingTemplate(_manager: EntityManager, templateId: string): Promise<number> {
    return [...this.rows.values()].filter((row) => row.templateId === templateId).length;
  }

  async add(_manager: EntityManager, event: EventEntity): Promise<EventEntity> {
    const now = new Date();
    const row = Object.assign(copy(event), { version: 1, createdAt: now, updatedAt: now });
    this.rows.set(row.id, copy(row));
    return row;
  }

  async saveEdit(_manager: EntityManager, event: EventEntity): Promise<EventEntity> {
    const row = Object.assign(copy(event), { version: event.version + 1, updatedAt: new Date() });
    this.rows.set(row.id, copy(row));
    return row;
  }

  async saveTitles(_manager: EntityManager, events: EventEntity[]): Promise<void> {
    for (const event of events) {
      const row = this.rows.get(event.id);
      if (row) Object.assign(row, { title: event.title, version: row.version + 1, updatedAt: new Date() });
    }
  }

  async saveStatusChanges(_manager: EntityManager, events: EventEntity[]): Promise<void> {
    if (events.length === 0) return;
    this.statusWrites.push(events.map((event) => event.id));
    for (const event of events) {
      const row = this.rows.get(event.id);
      if (!row) continue;
      const updatedAt = new Date();
      Object.assign(row, {
        bookingStatus: event.bookingStatus,
        attendeeStatus: event.attendeeStatus,
        notificationState: event.notificationState,
        declineReason: event.declineReason,
        rescheduleReason: event.rescheduleReason,
        changedFields: structuredClone(event.changedFields),
        calendarSequence: event.calendarSequence,
        title: event.title,
        version: event.version,
        updatedAt,
      });
      event.updatedAt = updatedAt;
    }
  }
}

function copy(event: EventEntity): EventEntity {
  return Object.assign(new EventEntity(), structuredClone({ ...event }));
}
