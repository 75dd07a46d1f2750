import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TemplateView, UpdateTemplateCommand } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { DataSource } from 'typeorm';
import { TemplatesRepository } from '../persistence/templates.repository';
import { templateView } from '../persistence/views';
import { checkedTemplateFields } from './template-rules';

/** Replaces a whole template (checked by the template rules); events that use it follow it from their next send. */
@Injectable()
export class UpdateTemplate {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesRepository,
  ) {}

  async execute(command: UpdateTemplateCommand): Promise<TemplateView> {
    const fields = checkedTemplateFields(command.template);
    const row = await this.templates.findById(this.dataSource.manager, command.id);
    if (!row) throw new NotFound('template', command.id);
    return templateView(await this.templates.replace(this.dataSource.manager, Object.assign(row, fields)));
  }
}
