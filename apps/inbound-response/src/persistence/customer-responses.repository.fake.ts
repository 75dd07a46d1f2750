import type { RecordedResponseFacts } from '@appointments/domain';
import { EntityManager } from 'typeorm';
import { CustomerResponsesRepository, NewCustomerResponse } from './customer-responses.repository';

/** What a store of customer responses answers: the repository's public methods. */
type CustomerResponsesStore = { [Method in keyof CustomerResponsesRepository]: CustomerResponsesRepository[Method] };

/** A response as the in-memory store keeps it. */
export type StoredCustomerResponse = NewCustomerResponse & { createdAt: Date };

/**
 * `CustomerResponsesRepository` in memory, for unit specs (the transaction given is not used;
 * there is nobody to wait for, so a lock is only written down in `locked`). A response is
 * recorded at `now()`; of two recorded at the same time, the later one is the latest.
 * `snapshot` lets a spec's transaction roll the rows back.
 */
export class InMemoryCustomerResponsesRepository implements CustomerResponsesStore {
  readonly locked: (readonly string[])[] = [];
  private rows: StoredCustomerResponse[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The responses recorded, oldest first. */
  get all(): readonly StoredCustomerResponse[] {
    return this.rows;
  }

  async lockEvents(_manager: EntityManager, eventIds: readonly string[]): Promise<void> {
    this.locked.push([...eventIds]);
  }

  async latestOfEvents(_manager: EntityManager, eventIds: readonly string[]): Promise<Map<string, RecordedResponseFacts>> {
    const latest = new Map<string, RecordedResponseFacts>();
    for (const row of this.rows) {
      if (!eventIds.includes(row.eventId)) continue;
      const kept = latest.get(row.eventId);
      if (!kept || row.createdAt >= kept.createdAt)
        latest.set(row.eventId, { id: row.id, response: row.response, reason: row.reason, createdAt: row.createdAt });
    }
    return latest;
  }

  async add(_manager: EntityManager, responses: readonly NewCustomerResponse[]): Promise<void> {
    for (const response of responses) this.rows.push({ ...response, createdAt: this.now() });
  }

  /** The rows as they are now; calling the answer puts them back. */
  snapshot(): () => void {
    const saved = [...this.rows];
    return () => {
      this.rows = [...saved];
    };
  }
}
