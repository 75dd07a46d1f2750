import { EntityManager } from 'typeorm';
import { ProviderCallback, ProviderCallbacksRepository } from './provider-callbacks.repository';

/** What a store of provider callbacks answers: the repository's public methods. */
type ProviderCallbacksStore = { [Method in keyof ProviderCallbacksRepository]: ProviderCallbacksRepository[Method] };

/**
 * `ProviderCallbacksRepository` in memory, for unit specs (the transaction given is not used).
 * `now` is when a callback is recorded.
 */
export class InMemoryProviderCallbacksRepository implements ProviderCallbacksStore {
  private readonly received = new Map<string, { callback: ProviderCallback; receivedAt: Date }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** How many callbacks are recorded. */
  get size(): number {
    return this.received.size;
  }

  async recordNew(_manager: EntityManager, callbacks: readonly ProviderCallback[]): Promise<ProviderCallback[]> {
    return callbacks.filter((callback) => {
      const key = keyOf(callback.provider, callback.callbackKey);
      if (this.received.has(key)) return false;
      this.received.set(key, { callback: { ...callback }, receivedAt: this.now() });
      return true;
    });
  }

  async recordedOfTwilio(_manager: EntityManager, callbackKeys: readonly string[]): Promise<Set<string>> {
    return new Set(callbackKeys.filter((callbackKey) => this.received.has(keyOf('twilio', callbackKey))));
  }

  async pruneReceivedBefore(cutoff: Date): Promise<number> {
    const old = [...this.received].filter(([, { receivedAt }]) => receivedAt < cutoff);
    for (const [key] of old) this.received.delete(key);
    return old.length;
  }
}

function keyOf(provider: string, callbackKey: string): string {
  return `${provider}\u0000${callbackKey}`;
}
