import type { PersonRef, SenderSettingsDto } from '@appointments/contracts';
import type { EntityManager } from 'typeorm';
import { SenderSettingsEntity } from './sender-settings.entity';
import type { SenderSettingsRepository } from './sender-settings.repository';

/** `SenderSettingsRepository` in memory, for use-case specs: the one row, or none until a sender is saved. */
export class InMemorySenderSettingsRepository implements Pick<SenderSettingsRepository, keyof SenderSettingsRepository> {
  private row: SenderSettingsEntity | null = null;

  /** A sender saved before the spec runs, if any. */
  constructor(saved?: SenderSettingsDto) {
    if (saved) this.row = rowOf(saved, null);
  }

  async current(_manager: EntityManager): Promise<SenderSettingsEntity | null> {
    return this.row && Object.assign(new SenderSettingsEntity(), structuredClone({ ...this.row }));
  }

  async replace(_manager: EntityManager, sender: SenderSettingsDto, changedBy: PersonRef): Promise<void> {
    this.row = rowOf(sender, changedBy);
  }
}

function rowOf(sender: SenderSettingsDto, changedBy: PersonRef | null): SenderSettingsEntity {
  return Object.assign(new SenderSettingsEntity(), {
    id: 1,
    name: sender.name,
    email: sender.email,
    imageUrl: sender.imageUrl ?? null,
    changedBy,
    updatedAt: new Date(),
  });
}
