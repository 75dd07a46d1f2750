import { DevOutboxMessageEntity } from './dev-outbox-message.entity';
import { DevOutboxFilter, DevOutboxMessagesRepository, NewDevOutboxMessage, PhoneThreadRow } from './dev-outbox-messages.repository';

/** What a store of the local sink's messages answers: the repository's public methods. */
type DevOutboxMessagesStore = { [Method in keyof DevOutboxMessagesRepository]: DevOutboxMessagesRepository[Method] };

/**
 * `DevOutboxMessagesRepository` in memory, for unit specs: the same answers, and a count of the
 * statements that stored messages (`stores`), so that a spec sees messages stored together. Its
 * statements themselves are tested on PostgreSQL in `test/integration/dispatch/dispatch-repositories.int-spec.ts`.
 */
export class InMemoryDevOutboxMessagesRepository implements DevOutboxMessagesStore {
  private readonly messages: DevOutboxMessageEntity[] = [];
  private failure: unknown = null;
  /** How many times messages were stored (one statement each). */
  stores = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Every message stored, in the order stored. */
  all(): DevOutboxMessageEntity[] {
    return this.messages.map((message) => ({ ...message }));
  }

  /** The next `storeMany` fails with this error, storing nothing (PostgreSQL refusing, say). */
  failNextStore(error: unknown) {
    this.failure = error;
  }

  async storeMany(messages: NewDevOutboxMessage[]): Promise<void> {
    this.stores += 1;
    const failure = this.failure;
    this.failure = null;
    if (failure) throw failure;
    const sentAt = this.now();
    this.messages.push(...messages.map((message) => ({ ...message, direction: message.direction ?? 'outbound', sentAt })));
  }

  async messageIdFor(notificationId: string): Promise<string | null> {
    return this.messages.find((message) => message.notificationId === notificationId)?.id ?? null;
  }

  async latest(filter: DevOutboxFilter): Promise<DevOutboxMessageEntity[]> {
    return this.messages
      .filter(
        (message) =>
          message.direction === 'outbound' &&
          (!filter.to || message.to === filter.to) &&
          (!filter.channel || message.channel === filter.channel),
      )
      .reverse()
      .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime())
      .slice(0, 200)
      .map((message) => ({ ...message }));
  }

  async phoneThreads(limit: number): Promise<PhoneThreadRow[]> {
    const latest = new Map<string, PhoneThreadRow>();
    for (const row of this.smsRows()) latest.set(row.phone, row);
    return [...latest.values()].sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime()).slice(0, limit);
  }

  async phoneThread(phone: string, limit: number): Promise<PhoneThreadRow[]> {
    return this.smsRows()
      .filter((row) => row.phone === phone)
      .slice(-limit);
  }

  /** SMS rows, oldest first, by the customer's number. */
  private smsRows(): PhoneThreadRow[] {
    return this.messages
      .filter((message) => message.channel === 'sms')
      .map((message) => ({
        phone: (message.direction === 'inbound' ? message.from : message.to) ?? '',
        direction: message.direction,
        body: message.body ?? '',
        sentAt: message.sentAt,
      }))
      .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  }
}
