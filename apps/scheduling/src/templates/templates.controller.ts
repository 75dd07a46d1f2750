import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { ByIdQuery, CreateTemplateCommand, SCHEDULING_REQUEST, TemplateView } from '@appointments/contracts';
import { InvalidInput, NotFound } from '@appointments/domain';
import { instanceToPlain } from 'class-transformer';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { TemplateEntity } from '../persistence/template.entity';
import { templateView } from '../persistence/views';
import { findTemplateProblems } from './template-rules';

@Controller()
export class TemplatesController {
  constructor(@InjectRepository(TemplateEntity) private readonly templates: Repository<TemplateEntity>) {}

  @MessagePattern(SCHEDULING_REQUEST.createTemplate)
  async create(@Payload() command: CreateTemplateCommand): Promise<TemplateView> {
    const template = command.template;
    const problems = findTemplateProblems(template);
    if (problems.length > 0) throw new InvalidInput(problems.join('; '), { errors: problems });
    const plain = instanceToPlain(template) as typeof template;
    const row = await this.templates.save(
      this.templates.create({
        id: randomUUID(),
        name: plain.name,
        titlePattern: plain.titlePattern,
        customerTitle: plain.customerTitle,
        defaultDurationMinutes: plain.defaultDurationMinutes ?? null,
        defaultLocation: plain.defaultLocation ?? null,
        statusLabels: plain.statusLabels ?? {},
        notificationConfigs: plain.notificationConfigs,
        reminderTriggers: plain.reminderTriggers ?? [],
        followers: plain.followers ?? {},
      }),
    );
    return templateView(row);
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
