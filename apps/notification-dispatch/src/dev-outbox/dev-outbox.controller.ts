import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DevOutboxMessageView, DevOutboxQueryDto, DISPATCH_REQUEST } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { EMAIL_PROVIDER, EmailProvider } from '../delivery/email/email-provider';
import { SMS_PROVIDER, SmsProvider } from '../delivery/sms/sms-provider';
import { DevOutboxMessagesRepository } from '../persistence/dev-outbox-messages.repository';

/** What the local delivery sinks took, newest first; refused when every channel has a real provider. */
@Controller()
export class DevOutboxController {
  constructor(
    private readonly outbox: DevOutboxMessagesRepository,
    @Inject(EMAIL_PROVIDER) private readonly email: EmailProvider,
    @Inject(SMS_PROVIDER) private readonly sms: SmsProvider,
  ) {}

  @MessagePattern(DISPATCH_REQUEST.listDevOutbox)
  async list(@Payload() query: DevOutboxQueryDto): Promise<DevOutboxMessageView[]> {
    if (this.email.name !== 'local-sink' && this.sms.name !== 'local-sink') {
      throw new NotFound('dev outbox', 'local delivery sink (real providers are configured)');
    }
    const rows = await this.outbox.latest({ to: query.to, channel: query.channel });
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
