import { Injectable } from '@nestjs/common';
import { InvalidInput, NotFound } from '@appointments/domain';
import { isUUID } from 'class-validator';
import { EntityManager } from 'typeorm';
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
   * Loads events (those that exist; ids that are not UUIDs are simply not found) with their
   * customers in one query and their templates in a second (a template is shared by many
   * events: read once, not once per row). `forUpdate` locks the event rows (only those) in id
   * order, so two batches never deadlock each other. The ids travel as one array parameter,
   * so the statement's text is the same for any number of them (and stays prepared).
   */
  async loadMany(manager: EntityManager, ids: string[], options: { forUpdate?: boolean } = {}): Promise<Map<string, LoadedEvent>> {
    // An id that is not a UUID names no event (and would make PostgreSQL refuse the whole query).
    const wanted = [...new Set(ids.filter((id) => isUUID(id)))];
    if (wanted.length === 0) return new Map();
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
    if (rows.length === 0) return new Map();
    const templates = await manager
      .createQueryBuilder(TemplateEntity, 'template')
      .where('template.id = ANY(CAST(:ids AS uuid[]))', { ids: [...new Set(rows.map((event) => event.templateId))] })
      .getMany();
    const templateById = new Map(templates.map((template) => [template.id, template]));
    return new Map(
      rows.map((row) => {
        const customer = row.loadedCustomer;
        delete (row as Partial<typeof row>).loadedCustomer; // the event entity as it is stored, nothing more
        return [row.id, { event: row as EventEntity, template: templateById.get(row.templateId)!, customer }];
      }),
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
