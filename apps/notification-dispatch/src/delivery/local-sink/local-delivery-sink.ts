import { randomUUID } from 'node:crypto';
import { DevOutboxMessagesRepository, NewDevOutboxMessage } from '../../persistence/dev-outbox-messages.repository';
import { EmailProvider, EmailSendResult, OutboundEmail } from '../email/email-provider';
import { OutboundSms, SmsProvider, SmsSendResult } from '../sms/sms-provider';

/**
 * The default provider when no vendor credentials are set: every message is stored in
 * `dev_outbox` and readable at `GET /api/dev/outbox`, so users and tests see exactly what
 * a customer would have received, attachments included.
 */
export class LocalSinkEmailProvider implements EmailProvider {
  readonly name = 'local-sink';
  constructor(private readonly outbox: DevOutboxMessagesRepository) {}

  lookup(notificationId: string) {
    return lookup(this.outbox, notificationId);
  }

  async send(email: OutboundEmail): Promise<EmailSendResult> {
    return store(this.outbox, {
      notificationId: email.notificationId,
      channel: 'email',
      to: email.to.email,
      from: email.from.name ? `${email.from.name} <${email.from.email}>` : email.from.email,
      subject: email.subject,
      text: email.text,
      html: email.html,
      body: null,
      attachments: (email.attachments ?? []).map((attachment) => ({
        filename: attachment.filename,
        contentType: attachment.contentType,
        content: attachment.content.toString('base64'),
      })),
    });
  }
}

export class LocalSinkSmsProvider implements SmsProvider {
  readonly name = 'local-sink';
  constructor(private readonly outbox: DevOutboxMessagesRepository) {}

  lookup(notificationId: string) {
    return lookup(this.outbox, notificationId);
  }

  async send(sms: OutboundSms): Promise<SmsSendResult> {
    return store(this.outbox, {
      notificationId: sms.notificationId,
      channel: 'sms',
      to: sms.to,
      from: null,
      subject: null,
      text: null,
      html: null,
      body: sms.body,
      attachments: [],
    });
  }
}

/** The sink's store is the delivery itself, so it knows for certain whether a notification went out. */
async function lookup(outbox: DevOutboxMessagesRepository, notificationId: string) {
  const id = await outbox.messageIdFor(notificationId);
  return id ? { providerMessageId: id } : null;
}

interface Waiting {
  message: NewDevOutboxMessage;
  resolve: (result: { providerMessageId: string }) => void;
  reject: (error: unknown) => void;
}

/**
 * Messages handed to the sink in the same turn of the event loop are stored with one
 * INSERT (one commit), as a provider's API would take them; each send still resolves
 * only once its own message is stored, and fails if it was not.
 */
const waiting = new Map<DevOutboxMessagesRepository, Waiting[]>();

function store(outbox: DevOutboxMessagesRepository, message: Omit<NewDevOutboxMessage, 'id'>) {
  return new Promise<{ providerMessageId: string }>((resolve, reject) => {
    let queue = waiting.get(outbox);
    if (!queue) {
      queue = [];
      waiting.set(outbox, queue);
      setImmediate(() => {
        const taken = waiting.get(outbox) ?? [];
        waiting.delete(outbox);
        outbox.storeMany(taken.map(({ message }) => message)).then(
          () => taken.forEach((entry) => entry.resolve({ providerMessageId: entry.message.id })),
          (error: unknown) => taken.forEach((entry) => entry.reject(error)),
        );
      });
    }
    queue.push({ message: { id: randomUUID(), ...message }, resolve, reject });
  });
}
