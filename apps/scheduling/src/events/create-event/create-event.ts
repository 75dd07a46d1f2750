import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreateEventCommand, EventView } from '@appointments/contracts';
import { INITIAL_EVENT_STATUS, InvalidInput } from '@appointments/domain';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { EventEntity } from '../../persistence/event.entity';
import { EventsRepository } from '../../persistence/events.repository';
import { eventView } from '../../persistence/views';
import { EventLoader } from '../event-loader';
import { titleOf } from '../event-title';

/** Saves a draft event. Nothing is sent: only an explicit send (or a reminder) sends. */
@Injectable()
export class CreateEvent {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly events: EventsRepository,
    private readonly chatter: ChatterEntriesRepository,
  ) {}

  async execute(command: CreateEventCommand): Promise<EventView> {
    const input = command.event;
    const start = new Date(input.start);
    const end = new Date(input.end);
    if (end.getTime() <= start.getTime()) throw new InvalidInput('end: must be after start', { errors: ['end must be after start'] });
    return this.dataSource.transaction(async (manager) => {
      const { customer, template } = await this.loader.references(manager, input.customerId, input.templateId);
      const event = Object.assign(new EventEntity(), {
        id: randomUUID(),
        customerId: customer.id,
        templateId: template.id,
        start,
        end,
        timeZone: input.timeZone,
        location: input.location ?? template.defaultLocation ?? null,
        videoUrl: input.videoUrl ?? null,
        description: input.description ?? null,
        organizer: { id: command.actor.id, name: command.actor.name, email: command.actor.email ?? null },
        salesperson: input.salesperson ?? null,
        ...INITIAL_EVENT_STATUS,
        changedFields: [],
        declineReason: null,
        rescheduleReason: null,
        startVersion: 1,
        calendarSequence: 0,
      });
      event.title = titleOf(event, template, customer);
      const saved = await this.events.add(manager, event);
      await this.chatter.add(manager, {
        eventId: saved.id,
        kind: 'event_created',
        body: `${command.actor.name} created the event "${saved.title}"`,
        author: { id: command.actor.id, name: command.actor.name },
      });
      return eventView(saved, template.customerTitle);
    });
  }
}
