import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT, EventRescheduledPayload, EventView, FieldsChangedPayload, UpdateEventCommand } from '@appointments/contracts';
import { applyTransition, InvalidInput } from '@appointments/domain';
import { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import { DataSource } from 'typeorm';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventEntity } from '../../persistence/event.entity';
import { EventsRepository } from '../../persistence/events.repository';
import { eventView } from '../../persistence/views';
import { SchedulingConfig } from '../../scheduling.config';
import { EventLoader } from '../event-loader';
import { trackFieldChanges, FieldValues } from './field-changes';

/**
 * Applies staff edits. A change to a significant field after a notification was sent
 * makes the event `update_due` and remembers the change (old and new value) until an
 * update is sent; `FieldsChanged` tells the other services, and `EventRescheduled` (in the
 * same transaction) says the start or end moved, whether or not staff count them as
 * significant: reminders move with the start.
 */
@Injectable()
export class UpdateEvent {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
    private readonly outbox: DomainEventOutbox,
    @Inject(SchedulingConfig) private readonly config: SchedulingConfig,
  ) {}

  async execute(command: UpdateEventCommand): Promise<EventView> {
    return this.dataSource.transaction(async (manager) => {
      const { event, template } = await this.loader.load(manager, command.id, { forUpdate: true });
      const before = valuesOf(event);
      const after: FieldValues = { ...before };
      const changes = command.changes;
      if (changes.start !== undefined) after.start = new Date(changes.start).toISOString();
      if (changes.end !== undefined) after.end = new Date(changes.end).toISOString();
      if (changes.timeZone !== undefined) after.timeZone = changes.timeZone;
      if (changes.location !== undefined) after.location = changes.location || null;
      if (changes.videoUrl !== undefined) after.videoUrl = changes.videoUrl || null;
      if (changes.description !== undefined) after.description = changes.description || null;
      if (new Date(after.end).getTime() <= new Date(after.start).getTime()) {
        throw new InvalidInput('end: must be after start', { errors: ['end must be after start'] });
      }
      const changed = Object.keys(after).filter((field) => after[field as keyof FieldValues] !== before[field as keyof FieldValues]);
      // The salesperson is internal: never significant, only in the chatter.
      const salesperson = changes.salesperson === undefined ? event.salesperson : changes.salesperson;
      const salespersonChange =
        personShown(salesperson) === personShown(event.salesperson)
          ? null
          : { field: 'salesperson', oldValue: event.salesperson, newValue: salesperson };
      if (changed.length === 0 && !salespersonChange) return eventView(event, template.customerTitle);

      const now = new Date().toISOString();
      const significant = changed.filter((field) => this.config.SIGNIFICANT_FIELDS.includes(field));
      event.start = new Date(after.start);
      event.end = new Date(after.end);
      event.timeZone = after.timeZone;
      event.location = after.location;
      event.videoUrl = after.videoUrl;
      event.description = after.description;
      event.salesperson = salesperson;
      if (after.start !== before.start) event.startVersion += 1;
      if (significant.length > 0) {
        const next = applyTransition(event, { kind: 'significant_field_changed' });
        event.notificationState = next.notificationState;
        if (next.notificationState === 'update_due') {
          event.changedFields = trackFieldChanges(
            event.changedFields,
            significant.map((field) => ({
              field,
              oldValue: before[field as keyof FieldValues],
              newValue: after[field as keyof FieldValues],
              changedAt: now,
            })),
          );
          // Changed back to what the customer was told: nothing is due any more.
          if (event.changedFields.length === 0) event.notificationState = 'in_sync';
        }
      }
      const saved = await this.events.saveEdit(manager, event);
      const described = changed.map(
        (field) => `${field} from ${show(before[field as keyof FieldValues])} to ${show(after[field as keyof FieldValues])}`,
      );
      if (salespersonChange)
        described.push(`salesperson from ${personShown(salespersonChange.oldValue)} to ${personShown(salespersonChange.newValue)}`);
      await this.chatter.add(manager, {
        eventId: event.id,
        kind: 'event_updated',
        body: `${command.actor.name} changed ${described.join(', ')}${saved.notificationState === 'update_due' && significant.length > 0 ? '; the customer has not been told yet (update due)' : ''}`,
        author: { id: command.actor.id, name: command.actor.name },
        data: {
          changes: [
            ...changed.map((field) => ({
              field,
              oldValue: before[field as keyof FieldValues],
              newValue: after[field as keyof FieldValues],
            })),
            ...(salespersonChange ? [salespersonChange] : []),
          ],
        },
      });
      const events: NewDomainEvent[] = [];
      if (significant.length > 0) {
        const payload: FieldsChangedPayload = {
          eventId: event.id,
          changes: significant.map((field) => ({
            field,
            oldValue: before[field as keyof FieldValues],
            newValue: after[field as keyof FieldValues],
          })),
          notificationState: saved.notificationState,
          start: saved.start.toISOString(),
          end: saved.end.toISOString(),
          timeZone: saved.timeZone,
          startVersion: saved.startVersion,
        };
        events.push({ type: DOMAIN_EVENT.FieldsChanged, eventId: event.id, payload });
      }
      // Whether or not staff count the times as significant, reminders must follow them.
      if (after.start !== before.start || after.end !== before.end) {
        const rescheduled: EventRescheduledPayload = {
          eventId: event.id,
          previousStart: before.start,
          previousEnd: before.end,
          start: saved.start.toISOString(),
          end: saved.end.toISOString(),
          timeZone: saved.timeZone,
          startVersion: saved.startVersion,
        };
        events.push({ type: DOMAIN_EVENT.EventRescheduled, eventId: event.id, payload: rescheduled });
      }
      await this.outbox.add(manager, events);
      return eventView(saved, template.customerTitle);
    });
  }
}

function valuesOf(event: EventEntity): FieldValues {
  return {
    start: event.start.toISOString(),
    end: event.end.toISOString(),
    timeZone: event.timeZone,
    location: event.location,
    videoUrl: event.videoUrl,
    description: event.description,
  };
}

function show(value: unknown): string {
  return value === null || value === undefined ? '(none)' : `"${String(value)}"`;
}

/** `"Olga Petrova <olga@example.com>"`, or `(none)`. */
function personShown(person: { name: string; email: string } | null): string {
  return person ? `"${person.name} <${person.email}>"` : '(none)';
}
