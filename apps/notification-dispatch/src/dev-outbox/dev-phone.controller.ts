import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DISPATCH_REQUEST, PhoneMessageView, PhoneThreadView, RecordPhoneReplyCommand } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { SMS_PROVIDER, SmsProvider } from '../delivery/sms/sms-provider';
import { DispatchConfig } from '../dispatch.config';
import { DevOutboxMessagesRepository, PhoneThreadRow } from '../persistence/dev-outbox-messages.repository';

/** The most numbers the simulator lists, and the most messages of one number it shows. */
const MAX_THREADS = 200;
const MAX_THREAD_MESSAGES = 500;

/**
 * The phone simulator's store: the local SMS sink's `dev_outbox`, where what the sink sent is,
 * plus the simulator's replies (`direction` `inbound`) and the TwiML answers they got (as
 * `outbound` rows without a notification). Only while SMS goes to the local sink, outside
 * production: otherwise every request is a 404, as for the dev outbox.
 */
@Controller()
export class DevPhoneController {
  constructor(
    private readonly outbox: DevOutboxMessagesRepository,
    @Inject(SMS_PROVIDER) private readonly sms: SmsProvider,
    private readonly config: DispatchConfig,
  ) {}

  @MessagePattern(DISPATCH_REQUEST.phoneSimulatorStatus)
  status(): { active: true } {
    this.refuseUnlessActive();
    return { active: true };
  }

  @MessagePattern(DISPATCH_REQUEST.listPhoneThreads)
  async threads(): Promise<PhoneThreadView[]> {
    this.refuseUnlessActive();
    const rows = await this.outbox.phoneThreads(MAX_THREADS);
    return rows.map((row) => ({ phone: row.phone, lastMessage: messageView(row) }));
  }

  @MessagePattern(DISPATCH_REQUEST.getPhoneThread)
  async thread(@Payload() query: { phone: string }): Promise<PhoneMessageView[]> {
    this.refuseUnlessActive();
    return (await this.outbox.phoneThread(query.phone, MAX_THREAD_MESSAGES)).map(messageView);
  }

  @MessagePattern(DISPATCH_REQUEST.recordPhoneReply)
  async recordReply(@Payload() command: RecordPhoneReplyCommand): Promise<{ recorded: true }> {
    this.refuseUnlessActive();
    const sms = { channel: 'sms' as const, notificationId: null, subject: null, text: null, html: null, attachments: [] };
    // Two statements: each row gets its own time (now() is the transaction's), so the answer sorts after the reply.
    await this.outbox.storeMany([
      { ...sms, id: randomUUID(), direction: 'inbound', to: command.to, from: command.phone, body: command.body },
    ]);
    if (command.reply) {
      await this.outbox.storeMany([
        { ...sms, id: randomUUID(), direction: 'outbound', to: command.phone, from: command.to, body: command.reply },
      ]);
    }
    return { recorded: true };
  }

  private refuseUnlessActive(): void {
    if (this.sms.name !== 'local-sink' || this.config.NODE_ENV === 'production') {
      throw new NotFound('phone simulator', 'local SMS sink (Twilio is configured, or this is production)');
    }
  }
}

function messageView(row: PhoneThreadRow): PhoneMessageView {
  return { direction: row.direction, body: row.body, at: row.sentAt.toISOString() };
}
