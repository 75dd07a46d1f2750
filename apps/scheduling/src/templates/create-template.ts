import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreateTemplateCommand, TemplateView } from '@appointments/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TemplatesRepository } from '../persistence/templates.repository';
import { templateView } from '../persistence/views';
import { checkedTemplateFields } from './template-rules';

/** Stores a new template that keeps the template rules (else a 400 listing every problem). */
@Injectable()
export class CreateTemplate {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: TemplatesRepository,
  ) {}

  async execute(command: CreateTemplateCommand): Promise<TemplateView> {
    const row = await this.templates.add(this.dataSource.manager, { id: randomUUID(), ...checkedTemplateFields(command.template) });
    return templateView(row);
  }
}
