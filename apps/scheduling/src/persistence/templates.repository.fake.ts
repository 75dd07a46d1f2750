import type { EntityManager } from 'typeorm';
import { TemplateEntity } from './template.entity';
import type { NewTemplate, TemplatesRepository } from './templates.repository';

/** `TemplatesRepository` in memory, for use-case specs: reads hand out copies, writes store copies (as a database would). */
export class InMemoryTemplatesRepository implements Pick<TemplatesRepository, keyof TemplatesRepository> {
  private readonly rows = new Map<string, TemplateEntity>();

  /** Templates as stored, before the spec runs. */
  constructor(templates: TemplateEntity[] = []) {
    for (const template of templates) this.rows.set(template.id, copy(template));
  }

  /** The template as stored now (a copy), or undefined. */
  stored(id: string): TemplateEntity | undefined {
    const row = this.rows.get(id);
    return row && copy(row);
  }

  async add(_manager: EntityManager, template: NewTemplate): Promise<TemplateEntity> {
    const now = new Date();
    const row = Object.assign(new TemplateEntity(), template, { createdAt: now, updatedAt: now });
    this.rows.set(row.id, copy(row));
    return row;
  }

  async findById(_manager: EntityManager, id: string): Promise<TemplateEntity | null> {
    return this.stored(id) ?? null;
  }

  async lockById(manager: EntityManager, id: string): Promise<TemplateEntity | null> {
    return this.findById(manager, id);
  }

  async findByIds(_manager: EntityManager, ids: string[]): Promise<TemplateEntity[]> {
    return ids.flatMap((id) => this.stored(id) ?? []);
  }

  async customerTitlesOf(_manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    return new Map(ids.flatMap((id) => (this.rows.has(id) ? [[id, this.rows.get(id)!.customerTitle] as const] : [])));
  }

  async listLatest(_manager: EntityManager): Promise<TemplateEntity[]> {
    return [...this.rows.values()]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, 500)
      .map(copy);
  }

  async replace(_manager: EntityManager, template: TemplateEntity): Promise<TemplateEntity> {
    const row = Object.assign(copy(template), { updatedAt: new Date() });
    this.rows.set(row.id, copy(row));
    return row;
  }

  async delete(_manager: EntityManager, id: string): Promise<void> {
    this.rows.delete(id);
  }
}

function copy(template: TemplateEntity): TemplateEntity {
  return Object.assign(new TemplateEntity(), structuredClone({ ...template }));
}
