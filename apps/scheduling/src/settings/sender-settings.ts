import { Injectable } from '@nestjs/common';
import { Sender, SenderSettingsView } from '@appointments/contracts';
import { assertSenderVerified, isSenderVerified } from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { SenderSettingsEntity } from '../persistence/sender-settings.entity';
import { SenderSettingsRepository } from '../persistence/sender-settings.repository';
import { SchedulingConfig } from '../scheduling.config';

/**
 * The email sender (name, address, image) from system settings. Until staff save one, the
 * configured `MAIL_FROM_*` values apply. The address must be on a verified domain: saving
 * another is refused (`UpdateSenderSettings`), and so is sending while the configured list no
 * longer covers it.
 */
@Injectable()
export class SenderSettings {
  constructor(
    private readonly config: SchedulingConfig,
    private readonly settings: SenderSettingsRepository,
  ) {}

  async current(manager: EntityManager): Promise<Sender> {
    return this.senderOf(await this.settings.current(manager));
  }

  private senderOf(row: SenderSettingsEntity | null): Sender {
    return row
      ? { name: row.name, email: row.email, imageUrl: row.imageUrl }
      : { name: this.config.MAIL_FROM_NAME, email: this.config.MAIL_FROM_EMAIL, imageUrl: this.config.MAIL_FROM_IMAGE_URL ?? null };
  }

  /** Whether the sender's address is on a verified sending domain. */
  isVerified(sender: Sender): boolean {
    return isSenderVerified(sender.email, this.config.VERIFIED_SENDER_DOMAINS);
  }

  /** Before an email goes out: throws `SenderNotVerified` (422) when the sender's domain is not verified. */
  assertVerified(sender: Pick<Sender, 'email'>): void {
    assertSenderVerified(sender.email, this.config.VERIFIED_SENDER_DOMAINS);
  }

  async view(manager: EntityManager): Promise<SenderSettingsView> {
    const row = await this.settings.current(manager);
    const sender = this.senderOf(row);
    return {
      ...sender,
      verifiedDomains: this.config.VERIFIED_SENDER_DOMAINS,
      verified: isSenderVerified(sender.email, this.config.VERIFIED_SENDER_DOMAINS),
      changedBy: row?.changedBy ?? null,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  }
}
