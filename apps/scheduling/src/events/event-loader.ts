import { Injectable } from '@nestjs/common';
import { InvalidInput, NotFound } from '@appointments/domain';
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
    const event = await manager.findOne(EventEntity, {
      where: { id },
      ...(options.forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!event) throw new NotFound('event', id);
    const [template, customer] = await Promise.all([
      manager.findOneByOrFail(TemplateEntity, { id: event.templateId }),
      manager.findOneByOrFail(CustomerEntity, { id: event.customerId }),
    ]);
    return { event, template, customer };
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
