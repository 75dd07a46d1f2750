import { DevOutboxMessageEntity } from './dev-outbox-message.entity';
import { DevOutboxFilter, DevOutboxMessagesRepository, NewDevOutboxMessage } from './dev-outbox-messages.repository';

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
    this.messages.push(...messages.map((message) => ({ ...message, sentAt })));
  }

  async messageIdFor(notificationId: string): Promise<string | null> {
    return this.messages.find((message) => message.notificationId === notificationId)?.id ?? null;
  }

  async latest(filter: DevOutboxFilter): Promise<DevOutboxMessageEntity[]> {
    return this.messages
      .filter((message) => (!filter.to || message.to === filter.to) && (!filter.channel || message.channel === filter.channel))
      .reverse()
      .sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime())
      .slice(0, 200)
      .map((message) => ({ ...message }));
  }
}
