import { Injectable } from '@nestjs/common';
import type { BookingStatus, NotificationState } from '@appointments/domain';
import { containsPattern } from '@appointments/persistence';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
import { CustomerEntity } from './customer.entity';
import { EventEntity } from './event.entity';

/** An event as stored, with the customer it is for. */
export interface EventWithCustomer {
  event: EventEntity;
  customer: CustomerEntity;
}

/** What staff filter the events list by (`GET /api/events`), and where a page starts. */
export interface EventFilter {
  /** Part of the title or of the customer's name, any case. */
  search?: string;
  bookingStatus?: BookingStatus;
  notificationState?: NotificationState;
  templateId?: string;
  /** Starts at or after. */
  from?: Date;
  /** Starts before. */
  to?: Date;
  order: 'asc' | 'desc';
  /** The last event of the previous page: the page starts after it, by (start, id). */
  after?: { start: Date; id: string };
  limit: number;
}

/**
 * Every statement about events (`scheduling.events`): the batch reads with their customers (and
 * their row locks), the one-statement write of a batch's status changes, and staff's edits.
 */
@Injectable()
export class EventsRepository {
  /**
   * The events of `ids` that exist (ids that are not UUIDs are simply not found), each with its
   * customer, in one query ordered by id. `forUpdate` locks the event rows (only those) in id
   * order, so two batches never deadlock each other. The ids travel as one array parameter, so the
   * statement's text is the same for any number of them (and stays prepared).
   */
  async findWithCustomers(manager: EntityManager, ids: string[], options: { forUpdate?: boolean } = {}): Promise<EventWithCustomer[]> {
    // An id that is not a UUID names no event (and would make PostgreSQL refuse the whole query).
    const wanted = [...new Set(ids.filter((id) => isUUID(id)))];
    if (wanted.length === 0) return [];
    const query = manager
      .createQueryBuilder(EventEntity, 'event')
      .innerJoinAndMapOne('event.loadedCustomer', CustomerEntity, 'customer', 'customer.id = event.customerId')
      .where('event.id = ANY(CAST(:ids AS uuid[]))', { ids: wanted })
      .orderBy('event.id');
    const rows = (await (
      options.forUpdate ? query.setLock('pessimistic_write', undefined, ['event']) : query
    ).getMany()) as (EventEntity & {
      loadedCustomer: CustomerEntity;
    })[];
    return rows.map((row) => {
      const customer = row.loadedCustomer;
      delete (row as Partial<typeof row>).loadedCustomer; // the event entity as it is stored, nothing more
      return { event: row as EventEntity, customer };
    });
  }

  /** The ids of a customer's events. */
  async idsOfCustomer(manager: EntityManager, customerId: string): Promise<string[]> {
    return (await manager.find(EventEntity, { select: { id: true }, where: { customerId } })).map((event) => event.id);
  }

  /** The 500 events that start last. */
  listLatest(manager: EntityManager): Promise<EventEntity[]> {
    return manager.find(EventEntity, { order: { start: 'DESC' }, take: 500 });
  }

  /** Whether the event exists (for a read outside any batch). */
  exists(manager: EntityManager, id: string): Promise<boolean> {
    return manager.existsBy(EventEntity, { id });
  }

  /**
   * Whether the event exists: the question of `exists`, in the statement the inbound-message
   * consumer has always sent (this move changed no SQL; the two may become one).
   */
  async isKnown(manager: EntityManager, id: string): Promise<boolean> {
    const known: unknown[] = await manager.query('SELECT 1 FROM scheduling.events WHERE id = $1', [id]);
    return known.length > 0;
  }

  /** Those of `ids` that name an existing event, in one lookup; ids that are not UUIDs name none. */
  async existingIds(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await manager.query('SELECT id FROM scheduling.events WHERE id = ANY($1::uuid[])', [
      [...new Set(ids.filter((id) => isUUID(id)))],
    ]);
    return new Set(rows.map((row) => row.id));
  }

  /** How many events use the template. */
  countUsingTemplate(manager: EntityManager, templateId: string): Promise<number> {
    return manager.countBy(EventEntity, { templateId });
  }

  /** Stores a new event; the stored one comes back (its version and times set). */
  add(manager: EntityManager, event: EventEntity): Promise<EventEntity> {
    return manager.save(event);
  }

  /** Stores staff's edit of a loaded event (its fields, status, changes and start version). */
  saveEdit(manager: EntityManager, event: EventEntity): Promise<EventEntity> {
    return manager.save(event);
  }

  /** Stores the new titles of loaded events (a customer's name changed). */
  async saveTitles(manager: EntityManager, events: EventEntity[]): Promise<void> {
    await manager.save(events);
  }

  /**
   * Writes the status side of events changed in memory by a batch (sends, reminders, customer
   * responses) in one UPDATE: the three statuses, the reasons, the changed fields, the calendar
   * sequence, the re-rendered title and the version the caller raised. Each event's
   * `updatedAt` is set to the time of the write.
   */
  async saveStatusChanges(manager: EntityManager, events: EventEntity[]): Promise<void> {
    if (events.length === 0) return;
    // TypeORM answers an UPDATE with [rows, count].
    const [updated]: [{ id: string; updated_at: Date }[], number] = await manager.query(
      `UPDATE scheduling.events e
        SET booking_status = v.booking_status, attendee_status = v.attendee_status, notification_state = v.notification_state,
            decline_reason = v.decline_reason, reschedule_reason = v.reschedule_reason,
            changed_fields = v.changed_fields, calendar_sequence = v.calendar_sequence, title = v.title, version = v.version, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::int[], $9::text[], $10::int[])
            AS v(id, booking_status, attendee_status, notification_state, decline_reason, reschedule_reason, changed_fields, calendar_sequence, title, version)
      WHERE e.id = v.id
  RETURNING e.id, e.updated_at`,
      [
        events.map((event) => event.id),
        events.map((event) => event.bookingStatus),
        events.map((event) => event.attendeeStatus),
        events.map((event) => event.notificationState),
        events.map((event) => event.declineReason),
        events.map((event) => event.rescheduleReason),
        events.map((event) => JSON.stringify(event.changedFields)),
        events.map((event) => event.calendarSequence),
        events.map((event) => event.title),
        events.map((event) => event.version),
      ],
    );
    const byId = new Map(events.map((event) => [event.id, event]));
    for (const row of updated) byId.get(row.id)!.updatedAt = row.updated_at;
  }

  /**
   * The events that match `filter`, ordered by start then id (both ways the same direction), at
   * most `limit`: keyset pagination from `after`, so a page costs the same however deep it is.
   */
  findMatching(manager: EntityManager, filter: EventFilter): Promise<EventEntity[]> {
    const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
    const query = manager.createQueryBuilder(EventEntity, 'event');
    if (filter.search) {
      query
        .innerJoin(CustomerEntity, 'customer', 'customer.id = event.customerId')
        .andWhere('(event.title ILIKE :like OR customer.name ILIKE :like)', { like: containsPattern(filter.search) });
    }
    if (filter.bookingStatus) query.andWhere('event.bookingStatus = :bookingStatus', { bookingStatus: filter.bookingStatus });
    if (filter.notificationState)
      query.andWhere('event.notificationState = :notificationState', { notificationState: filter.notificationState });
    if (filter.templateId) query.andWhere('event.templateId = :templateId', { templateId: filter.templateId });
    if (filter.from) query.andWhere('event.start >= :from', { from: filter.from });
    if (filter.to) query.andWhere('event.start < :to', { to: filter.to });
    if (filter.after) {
      query.andWhere(`(event.start, event.id) ${direction === 'ASC' ? '>' : '<'} (:afterStart, :afterId)`, {
        afterStart: filter.after.start,
        afterId: filter.after.id,
      });
    }
    return query.orderBy('event.start', direction).addOrderBy('event.id', direction).take(filter.limit).getMany();
  }
}
