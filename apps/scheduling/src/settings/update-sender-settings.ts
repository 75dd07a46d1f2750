import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SenderSettingsView, UpdateSenderSettingsCommand } from '@appointments/contracts';
import { DataSource } from 'typeorm';
import { SenderSettingsRepository } from '../persistence/sender-settings.repository';
import { SenderSettings } from './sender-settings';

/** Saves the email sender staff chose, with who saved it; an address off the verified domains is refused (422). */
@Injectable()
export class UpdateSenderSettings {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: SenderSettingsRepository,
    private readonly senderSettings: SenderSettings,
  ) {}

  execute(command: UpdateSenderSettingsCommand): Promise<SenderSettingsView> {
    this.senderSettings.assertVerified(command.sender);
    return this.dataSource.transaction(async (manager) => {
      await this.settings.replace(manager, command.sender, { id: command.actor.id, name: command.actor.name });
      return this.senderSettings.view(manager);
    });
  }
}
