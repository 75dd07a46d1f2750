import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ByIdQuery } from '@appointments/contracts';
import { Conflict, NotFound } from '@appointments/domain';
import { DataSource } from 'typeorm';
import { EventsRepository } from '../persistence/events.repository';
import { TemplatesRepository } from '../persistence/templates.repository';

/** Deletes a template no event uses; one in use is refused (409), with how many events use it. */
@Injectable()
export class DeleteTemplate {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesRepository,
    private readonly events: EventsRepository,
  ) {}

  execute(query: ByIdQuery): Promise<{ id: string; deleted: true }> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.templates.lockById(manager, query.id);
      if (!row) throw new NotFound('template', query.id);
      const used = await this.events.countUsingTemplate(manager, query.id);
      if (used > 0) {
        throw new Conflict(`The template "${row.name}" is used by ${used} event${used === 1 ? '' : 's'} and cannot be deleted`, {
          events: used,
        });
      }
      await this.templates.delete(manager, query.id);
      return { id: query.id, deleted: true as const };
    });
  }
}
