import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import { EntityManager } from 'typeorm';
import { DomainEventEnvelope, NewDomainEvent } from './domain-event';
import { DomainEventOutbox } from './outbox';

/** The consumer transaction a handler runs in: where it writes, publishes, and defers work until the commit. */
export interface ConsumerTransaction {
  manager: EntityManager;
  outbox: DomainEventOutbox | null;
  afterCommit: (() => Promise<void>)[];
}

/** What both kinds of domain-event context offer: the transaction, follow-up events, after-commit work. */
abstract class TransactionalContext<Args extends unknown[]> extends BaseRpcContext<Args> {
  protected abstract get transaction(): ConsumerTransaction;

  get manager(): EntityManager {
    return this.transaction.manager;
  }

  /** Adds follow-up domain events to the handler's transaction (outbox). */
  async publish(events: NewDomainEvent[]) {
    const { outbox } = this.transaction;
    if (!outbox) throw new Error('this service has no outbox configured');
    return outbox.add(this.manager, events);
  }

  /** Work to do once the transaction has committed (e.g. a provider call); failures are logged. */
  afterCommit(work: () => Promise<void>) {
    this.transaction.afterCommit.push(work);
  }
}

/**
 * What an `@EventPattern` handler gets besides the payload: the envelope, and the
 * transaction in which the message is marked processed. Write the effect with `manager`
 * and publish follow-up events with `publish`, and all of it commits as one unit before
 * the message is acknowledged.
 */
export class DomainEventContext extends TransactionalContext<[DomainEventEnvelope, ConsumeMessage, ConsumerTransaction]> {
  get envelope(): DomainEventEnvelope {
    return this.args[0];
  }
  get message(): ConsumeMessage {
    return this.args[1];
  }
  protected get transaction(): ConsumerTransaction {
    return this.args[2];
  }
}

export class RpcRequestContext extends BaseRpcContext<[ConsumeMessage]> {
  get message(): ConsumeMessage {
    return this.args[0];
  }
}

/**
 * `@EventPattern(type, HANDLES_BATCHES)`: the handler takes every message of that type
 * that arrived together, as an array of payloads, and writes their effects with set-based
 * statements instead of a round trip each. Its context gives the envelopes and correlation
 * ids (same order as the payloads), and the same transaction, outbox and after-commit hooks
 * as a single message's. If the handler throws, the transport runs it again for each
 * message on its own, so one poison message is retried or dead-lettered alone and the rest
 * still commit.
 */
export class DomainEventBatchContext extends TransactionalContext<[DomainEventEnvelope[], (string | undefined)[], ConsumerTransaction]> {
  get envelopes(): DomainEventEnvelope[] {
    return this.args[0];
  }
  /** The correlation id each message came with (same order as the payloads). */
  get correlationIds(): (string | undefined)[] {
    return this.args[1];
  }
  protected get transaction(): ConsumerTransaction {
    return this.args[2];
  }
}

/** The `extras` of `@EventPattern` for a handler that takes batches (see `DomainEventBatchContext`). */
export const HANDLES_BATCHES = { batch: true } as const;
