import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { ProviderCallbackEntity } from './provider-callback.entity';

/** A provider's callback as recorded: whose it is and its key (Twilio: `<MessageSid>:<MessageStatus>`; SendGrid: `sg_event_id`). */
export interface ProviderCallback {
  provider: string;
  callbackKey: string;
}

/**
 * Every statement about `inbound_response.provider_callbacks`: the provider callbacks already
 * applied, so that a provider's retries and duplicates change nothing. The methods given an
 * `EntityManager` run in the caller's transaction.
 */
@Injectable()
export class ProviderCallbacksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records these callbacks, one statement for all of them; answers those recorded now, seen for
   * the first time. One recorded before, or at this moment by another transaction (another
   * instance), is not answered.
   */
  async recordNew(manager: EntityManager, callbacks: readonly ProviderCallback[]): Promise<ProviderCallback[]> {
    if (callbacks.length === 0) return [];
    const inserted: { provider: string; callback_key: string }[] = await manager.query(
      `INSERT INTO inbound_response.provider_callbacks (provider, callback_key)
         SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT DO NOTHING
         RETURNING provider, callback_key`,
      [callbacks.map((callback) => callback.provider), callbacks.map((callback) => callback.callbackKey)],
    );
    return inserted.map((row) => ({ provider: row.provider, callbackKey: row.callback_key }));
  }

  /** Of these keys of Twilio callbacks, those recorded. */
  async recordedOfTwilio(manager: EntityManager, callbackKeys: readonly string[]): Promise<Set<string>> {
    const rows: { callback_key: string }[] = await manager.query(
      `SELECT callback_key FROM inbound_response.provider_callbacks WHERE provider = 'twilio' AND callback_key = ANY($1::text[])`,
      [callbackKeys],
    );
    return new Set(rows.map((row) => row.callback_key));
  }

  /** Deletes the callbacks received before `cutoff`; returns how many (`InboundRetention`, hourly). */
  async pruneReceivedBefore(cutoff: Date): Promise<number> {
    const { affected } = await this.dataSource.getRepository(ProviderCallbackEntity).delete({ receivedAt: LessThan(cutoff) });
    return affected ?? 0;
  }
}
