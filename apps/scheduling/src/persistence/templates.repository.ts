import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { TemplateEntity } from './template.entity';

/** A template's stored fields, as a checked request gives them. */
export type NewTemplate = Pick<
  TemplateEntity,
  | 'id'
  | 'name'
  | 'titlePattern'
  | 'customerTitle'
  | 'defaultDurationMinutes'
  | 'defaultLocation'
  | 'statusLabels'
  | 'notificationConfigs'
  | 'reminderTriggers'
  | 'followers'
>;

/** Every statement about templates (`scheduling.templates`). */
@Injectable()
export class TemplatesRepository {
  /** Stores a new template; the stored one comes back (its times set). */
  add(manager: EntityManager, template: NewTemplate): Promise<TemplateEntity> {
    return manager.save(manager.create(TemplateEntity, template));
  }

  findById(manager: EntityManager, id: string): Promise<TemplateEntity | null> {
    return manager.findOneBy(TemplateEntity, { id });
  }

  /** The template, its row locked until the transaction ends (a delete). */
  lockById(manager: EntityManager, id: string): Promise<TemplateEntity | null> {
    return manager.findOne(TemplateEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The templates of `ids` (a template is shared by many events: read once, not once per event). */
  findByIds(manager: EntityManager, ids: string[]): Promise<TemplateEntity[]> {
    return manager.createQueryBuilder(TemplateEntity, 'template').where('template.id = ANY(CAST(:ids AS uuid[]))', { ids }).getMany();
  }

  /** The customer-facing title of each of the templates, by id. */
  async customerTitlesOf(manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    const titles = await manager.find(TemplateEntity, {
      select: { id: true, customerTitle: true },
      where: { id: In(ids) },
    });
    return new Map(titles.map((template) => [template.id, template.customerTitle]));
  }

  /** The 500 newest templates. */
  listLatest(manager: EntityManager): Promise<TemplateEntity[]> {
    return manager.find(TemplateEntity, { order: { createdAt: 'DESC' }, take: 500 });
  }

  /** Stores a loaded template whose fields were all replaced; the stored one comes back. */
  replace(manager: EntityManager, template: TemplateEntity): Promise<TemplateEntity> {
    return manager.save(template);
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(TemplateEntity, { id });
  }
}
