import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
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
import { Repository } from 'typeorm';
import { EventEntity } from '../persistence/event.entity';
import { TemplateEntity } from '../persistence/template.entity';
import { templateView } from '../persistence/views';
import { findTemplateProblems } from './template-rules';

@Controller()
export class TemplatesController {
  constructor(@InjectRepository(TemplateEntity) private readonly templates: Repository<TemplateEntity>) {}

  @MessagePattern(SCHEDULING_REQUEST.createTemplate)
  async create(@Payload() command: CreateTemplateCommand): Promise<TemplateView> {
    const row = await this.templates.save(this.templates.create({ id: randomUUID(), ...checkedFields(command.template) }));
    return templateView(row);
  }

  /** Replaces the whole template; events that use it follow it from their next send. */
  @MessagePattern(SCHEDULING_REQUEST.updateTemplate)
  async update(@Payload() command: UpdateTemplateCommand): Promise<TemplateView> {
    const fields = checkedFields(command.template);
    const row = await this.templates.findOneBy({ id: command.id });
    if (!row) throw new NotFound('template', command.id);
    return templateView(await this.templates.save(Object.assign(row, fields)));
  }

  @MessagePattern(SCHEDULING_REQUEST.deleteTemplate)
  async delete(@Payload() query: ByIdQuery): Promise<{ id: string; deleted: true }> {
    return this.templates.manager.transaction(async (manager) => {
      const row = await manager.findOne(TemplateEntity, { where: { id: query.id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFound('template', query.id);
      const used = await manager.countBy(EventEntity, { templateId: query.id });
      if (used > 0) {
        throw new Conflict(`The template "${row.name}" is used by ${used} event${used === 1 ? '' : 's'} and cannot be deleted`, {
          events: used,
        });
      }
      await manager.delete(TemplateEntity, { id: query.id });
      return { id: query.id, deleted: true as const };
    });
  }

  @MessagePattern(SCHEDULING_REQUEST.getTemplate)
  async get(@Payload() query: ByIdQuery): Promise<TemplateView> {
    const row = await this.templates.findOneBy({ id: query.id });
    if (!row) throw new NotFound('template', query.id);
    return templateView(row);
  }

  @MessagePattern(SCHEDULING_REQUEST.listTemplates)
  async list(): Promise<TemplateView[]> {
    const rows = await this.templates.find({ order: { createdAt: 'DESC' }, take: 500 });
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
