import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { ByIdQuery, CreateTemplateCommand, SCHEDULING_REQUEST, TemplateView, UpdateTemplateCommand } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { DataSource } from 'typeorm';
import { TemplatesRepository } from '../persistence/templates.repository';
import { templateView } from '../persistence/views';
import { CreateTemplate } from './create-template';
import { DeleteTemplate } from './delete-template';
import { UpdateTemplate } from './update-template';

/** Translates template requests into use-case calls (and reads). */
@Controller()
export class TemplatesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesRepository,
    private readonly createTemplate: CreateTemplate,
    private readonly updateTemplate: UpdateTemplate,
    private readonly deleteTemplate: DeleteTemplate,
  ) {}

  @MessagePattern(SCHEDULING_REQUEST.createTemplate)
  create(@Payload() command: CreateTemplateCommand): Promise<TemplateView> {
    return this.createTemplate.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.updateTemplate)
  update(@Payload() command: UpdateTemplateCommand): Promise<TemplateView> {
    return this.updateTemplate.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.deleteTemplate)
  delete(@Payload() query: ByIdQuery): Promise<{ id: string; deleted: true }> {
    return this.deleteTemplate.execute(query);
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
