import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ByIdQuery,
  CreateTemplateCommand,
  CreateTemplateDto,
  SCHEDULING_REQUEST,
  TemplateView,
  UpdateTemplateCommand,
} from '@appointments/contracts';
import { Conflict, InvalidInput, NotFound } from '@appointments/domain';
import { instanceToPlain } from 'class-transformer';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventsRepository } from '../persistence/events.repository';
import { TemplatesRepository } from '../persistence/templates.repository';
import { templateView } from '../persistence/views';
import { findTemplateProblems } from './template-rules';

@Controller()
export class TemplatesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesRepository,
    private readonly events: EventsRepository,
  ) {}

  @MessagePattern(SCHEDULING_REQUEST.createTemplate)
  async create(@Payload() command: CreateTemplateCommand): Promise<TemplateView> {
    const row = await this.templates.add(this.dataSource.manager, { id: randomUUID(), ...checkedFields(command.template) });
    return templateView(row);
  }

  /** Replaces the whole template; events that use it follow it from their next send. */
  @MessagePattern(SCHEDULING_REQUEST.updateTemplate)
  async update(@Payload() command: UpdateTemplateCommand): Promise<TemplateView> {
    const fields = checkedFields(command.template);
    const row = await this.templates.findById(this.dataSource.manager, command.id);
    if (!row) throw new NotFound('template', command.id);
    return templateView(await this.templates.replace(this.dataSource.manager, Object.assign(row, fields)));
  }

  @MessagePattern(SCHEDULING_REQUEST.deleteTemplate)
  async delete(@Payload() query: ByIdQuery): Promise<{ id: string; deleted: true }> {
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

  @MessagePattern(SCHEDULING_REQUEST.getTemplate)
  async get(@Payload() query: ByIdQuery): Promise<TemplateView> {
    const row = await this.templates.findById(this.dataSource.manager, query.id);
    if (!row) throw new NotFound('template', query.id);
    return templateView(row);
  }

  @MessagePattern(SCHEDULING_REQUEST.listTemplates)
  async list(): Promise<TemplateView[]> {
    const rows = await this.templates.listLatest(this.dataSource.manager);
    return rows.map(templateView);
  }
}

/** The stored fields of a valid template; a template that breaks a rule is a 400 listing every problem. */
function checkedFields(template: CreateTemplateDto) {
  const problems = findTemplateProblems(template);
  if (problems.length > 0) throw new InvalidInput(problems.join('; '), { errors: problems });
  const plain = instanceToPlain(template) as CreateTemplateDto;
  return {
    name: plain.name,
    titlePattern: plain.titlePattern,
    customerTitle: plain.customerTitle,
    defaultDurationMinutes: plain.defaultDurationMinutes ?? null,
    defaultLocation: plain.defaultLocation ?? null,
    statusLabels: plain.statusLabels ?? {},
    notificationConfigs: plain.notificationConfigs,
    reminderTriggers: plain.reminderTriggers ?? [],
    followers: plain.followers ?? {},
  };
}
