import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { DevOutboxMessageView, DevOutboxQueryDto, DISPATCH_REQUEST } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { Repository } from 'typeorm';
import { EMAIL_PROVIDER, EmailProvider } from '../delivery/email/email-provider';
import { SMS_PROVIDER, SmsProvider } from '../delivery/sms/sms-provider';
import { DevOutboxMessageEntity } from '../persistence/dev-outbox-message.entity';

/** What the local delivery sinks took, newest first; refused when every channel has a real provider. */
@Controller()
export class DevOutboxController {
  constructor(
    @InjectRepository(DevOutboxMessageEntity) private readonly outbox: Repository<DevOutboxMessageEntity>,
    @Inject(EMAIL_PROVIDER) private readonly email: EmailProvider,
    @Inject(SMS_PROVIDER) private readonly sms: SmsProvider,
  ) {}

  @MessagePattern(DISPATCH_REQUEST.listDevOutbox)
  async list(@Payload() query: DevOutboxQueryDto): Promise<DevOutboxMessageView[]> {
    if (this.email.name !== 'local-sink' && this.sms.name !== 'local-sink') {
      throw new NotFound('dev outbox', 'local delivery sink (real providers are configured)');
    }
    const rows = await this.outbox.find({
      where: { ...(query.to ? { to: query.to } : {}), ...(query.channel ? { channel: query.channel } : {}) },
      order: { sentAt: 'DESC' },
      take: 200,
    });
    return rows.map((row) => ({
      id: row.id,
      notificationId: row.notificationId,
      channel: row.channel,
      to: row.to,
      from: row.from,
      subject: row.subject,
      text: row.text,
      html: row.html,
      body: row.body,
      attachments: row.attachments,
      sentAt: row.sentAt.toISOString(),
    }));
  }
}
