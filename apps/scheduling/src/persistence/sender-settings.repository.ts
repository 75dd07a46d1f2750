import { Injectable } from '@nestjs/common';
import type { PersonRef, SenderSettingsDto } from '@appointments/contracts';
import { EntityManager } from 'typeorm';
import { SenderSettingsEntity } from './sender-settings.entity';

/** The one row of the sender settings: there is one sender per installation. */
const SETTINGS_ROW = 1;

/** Every statement about the email sender staff saved (`scheduling.sender_settings`, one row). */
@Injectable()
export class SenderSettingsRepository {
  /** The saved sender, or null while staff have saved none. */
  current(manager: EntityManager): Promise<SenderSettingsEntity | null> {
    return manager.findOneBy(SenderSettingsEntity, { id: SETTINGS_ROW });
  }

  /** Saves the sender (created the first time, replaced after), with who changed it and when. */
  async replace(manager: EntityManager, sender: SenderSettingsDto, changedBy: PersonRef): Promise<void> {
    await manager.upsert(
      SenderSettingsEntity,
      {
        id: SETTINGS_ROW,
        name: sender.name,
        email: sender.email,
        imageUrl: sender.imageUrl ?? null,
        changedBy,
        updatedAt: new Date(),
      },
      ['id'],
    );
  }
}
