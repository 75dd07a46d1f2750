import { Injectable } from '@nestjs/common';
import { InvalidInput, NotFound } from '@appointments/domain';
import { isUUID } from 'class-validator';
import { EntityManager, In } from 'typeorm';
import { CustomerEntity } from '../persistence/customer.entity';
import { EventEntity } from '../persistence/event.entity';
import { TemplateEntity } from '../persistence/template.entity';

export interface LoadedEvent {
  event: EventEntity;
  template: TemplateEntity;
  customer: CustomerEntity;
}

/** Loads an event with its template and customer; `forUpdate` locks the event row for the transaction. */
@Injectable()
export class EventLoader {
  async load(manager: EntityManager, id: string, options: { forUpdate?: boolean } = {}): Promise<LoadedEvent> {
    const loaded = (await this.loadMany(manager, [id], options)).get(id);
    if (!loaded) throw new NotFound('event', id);
    return loaded;
  }

  /**
   * Loads events (those that exist; ids that are not UUIDs are simply not found) with their templates and customers in three queries.
   * `forUpdate` locks the event rows in id order, so two batches never deadlock each other.
   */
  async loadMany(manager: EntityManager, ids: string[], options: { forUpdate?: boolean } = {}): Promise<Map<string, LoadedEvent>> {
    // An id that is not a UUID names no event (and would make PostgreSQL refuse the whole query).
    const wanted = [...new Set(ids.filter((id) => isUUID(id)))];
    if (wanted.length === 0) return new Map();
    const query = manager.createQueryBuilder(EventEntity, 'event').where('event.id IN (:...ids)', { ids: wanted }).orderBy('event.id');
    const events = await (options.forUpdate ? query.setLock('pessimistic_write') : query).getMany();
    if (events.length === 0) return new Map();
    const [templates, customers] = await Promise.all([
      manager.findBy(TemplateEntity, { id: In([...new Set(events.map((event) => event.templateId))]) }),
      manager.findBy(CustomerEntity, { id: In([...new Set(events.map((event) => event.customerId))]) }),
    ]);
    const templateById = new Map(templates.map((template) => [template.id, template]));
    const customerById = new Map(customers.map((customer) => [customer.id, customer]));
    return new Map(
      events.map((event) => [event.id, { event, template: templateById.get(event.templateId)!, customer: customerById.get(event.customerId)! }]),
    );
  }

  async references(manager: EntityManager, customerId: string, templateId: string) {
    const [customer, template] = await Promise.all([
      manager.findOneBy(CustomerEntity, { id: customerId }),
      manager.findOneBy(TemplateEntity, { id: templateId }),
    ]);
    const problems = [
      ...(customer ? [] : [`customerId: no customer has the id ${customerId}`]),
      ...(template ? [] : [`templateId: no template has the id ${templateId}`]),
    ];
    if (problems.length > 0) throw new InvalidInput(problems.join('; '), { errors: problems });
    return { customer: customer!, template: template! };
  }
}
