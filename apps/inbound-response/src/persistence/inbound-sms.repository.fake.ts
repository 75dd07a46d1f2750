import { EntityManager } from 'typeorm';
import { InboundSmsRepository, NewInboundSms, StoredSmsAnswer } from './inbound-sms.repository';

/** What a store of inbound SMS answers: the repository's public methods. */
type InboundSmsStore = { [Method in keyof InboundSmsRepository]: InboundSmsRepository[Method] };

/**
 * `InboundSmsRepository` in memory, for unit specs (the transaction given is not used): one row
 * per MessageSid, the first stored. `adds` counts the calls of `addOnce` (statements), for a spec
 * that counts them; `snapshot` lets a spec's transaction roll the rows back.
 */
export class InMemoryInboundSmsRepository implements InboundSmsStore {
  adds = 0;
  private rows = new Map<string, NewInboundSms>();

  /** The row stored under a MessageSid. */
  stored(messageSid: string): NewInboundSms | undefined {
    return this.rows.get(messageSid);
  }

  /** How many SMS are stored. */
  get size(): number {
    return this.rows.size;
  }

  async addOnce(_manager: EntityManager, sms: readonly NewInboundSms[]): Promise<(StoredSmsAnswer | null)[]> {
    if (sms.length === 0) return [];
    this.adds += 1;
    return sms.map((one) => {
      const earlier = this.rows.get(one.messageSid);
      if (earlier) return { kind: earlier.kind, reply: earlier.reply };
      this.rows.set(one.messageSid, { ...one });
      return null;
    });
  }

  /** The rows as they are now; calling the answer puts them back. */
  snapshot(): () => void {
    const saved = new Map(this.rows);
    return () => {
      this.rows = new Map(saved);
    };
  }
}
