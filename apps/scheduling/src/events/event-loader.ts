import { Injectable } from '@nestjs/common';
import { InvalidInput, NotFound } from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { CustomerEntity } from '../persistence/customer.entity';
import { CustomersRepository } from '../persistence/customers.repository';
import { EventEntity } from '../persistence/event.entity';
import { EventsRepository } from '../persistence/events.repository';
import { TemplateEntity } from '../persistence/template.entity';
import { TemplatesRepository } from '../persistence/templates.repository';

export interface LoadedEvent {
  event: EventEntity;
  template: TemplateEntity;
  customer: CustomerEntity;
}

/** Loads an event with its template and customer; `forUpdate` locks the event row for the transaction. */
@Injectable()
export class EventLoader {
  constructor(
    private readonly events: EventsRepository,
    private readonly templates: TemplatesRepository,
    private readonly customers: CustomersRepository,
  ) {}

  async load(manager: EntityManager, id: string, options: { forUpdate?: boolean } = {}): Promise<LoadedEvent> {
    const loaded = (await this.loadMany(manager, [id], options)).get(id);
    if (!loaded) throw new NotFound('event', id);
    return loaded;
  }

  /**
   * Loads events (those that exist; ids that are not UUIDs are simply not found) with their
   * customers in one query and their templates in a second (a template is shared by many
   * events: read once, not once per row). `forUpdate` locks the event rows (only those) in id
   * order, so two batches never deadlock each other.
   */
  async loadMany(manager: EntityManager, ids: string[], options: { forUpdate?: boolean } = {}): Promise<Map<string, LoadedEvent>> {
    const rows = await this.events.findWithCustomers(manager, ids, options);
    if (rows.length === 0) return new Map();
    const templates = await this.templates.findByIds(manager, [...new Set(rows.map(({ event }) => event.templateId))]);
    const templateById = new Map(templates.map((template) => [template.id, template]));
    return new Map(rows.map(({ event, customer }) => [event.id, { event, template: templateById.get(event.templateId)!, customer }]));
  }

  async references(manager: EntityManager, customerId: string, templateId: string) {
    const [customer, template] = await Promise.all([
      this.customers.findById(manager, customerId),
      this.templates.findById(manager, templateId),
    ]);
    const problems = [
      ...(customer ? [] : [`customerId: no customer has the id ${customerId}`]),
      ...(template ? [] : [`templateId: no template has the id ${templateId}`]),
    ];
    if (problems.length > 0) throw new InvalidInput(problems.join('; '), { errors: problems });
    return { customer: customer!, template: template! };
  }
}
