import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { SCHEDULING_REQUEST, SenderSettingsView, UpdateSenderSettingsCommand } from '@appointments/contracts';
import { DataSource } from 'typeorm';
import { SenderSettings } from './sender-settings';
import { UpdateSenderSettings } from './update-sender-settings';

/** Translates sender-settings requests into the use case (and the read). */
@Controller()
export class SenderSettingsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: SenderSettings,
    private readonly updateSenderSettings: UpdateSenderSettings,
  ) {}

  @MessagePattern(SCHEDULING_REQUEST.getSenderSettings)
  get(): Promise<SenderSettingsView> {
    return this.settings.view(this.dataSource.manager);
  }

  @MessagePattern(SCHEDULING_REQUEST.updateSenderSettings)
  update(@Payload() command: UpdateSenderSettingsCommand): Promise<SenderSettingsView> {
    return this.updateSenderSettings.execute(command);
  }
}
