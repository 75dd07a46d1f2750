import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { OptOutSource, PersonRef } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { containsPattern } from '@appointments/persistence';
import { DataSource, EntityManager } from 'typeorm';
import { StopListEntryEntity } from './stop-list-entry.entity';

/** An address going on the stop list for a channel. */
export interface NewStopListEntry {
  channel: Channel;
  address: string;
  source: OptOutSource;
  keyword: string | null;
  reason: string | null;
  changedBy: PersonRef | null;
  optedOutAt: Date;
}

/**
 * Every statement about `inbound_response.stop_list`, the addresses that opted out of a channel.
 * The methods given an `EntityManager` run in the caller's transaction.
 */
@Injectable()
export class StopListRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The entries, newest first, of one channel and with a part of the address when asked. */
  async list(filter: { channel?: Channel; address?: string }): Promise<StopListEntryEntity[]> {
    const builder = this.dataSource.getRepository(StopListEntryEntity).createQueryBuilder('entry');
    if (filter.channel) builder.andWhere('entry.channel = :channel', { channel: filter.channel });
    if (filter.address) {
      const like = containsPattern(filter.address.trim());
      builder.andWhere('entry.address ILIKE :like', { like });
    }
    return builder.orderBy('entry.optedOutAt', 'DESC').addOrderBy('entry.address', 'ASC').getMany();
  }

  /** Puts the address on the list; answers whether it went on (false: it was there already, and is left as it was). */
  async add(manager: EntityManager, entry: NewStopListEntry): Promise<boolean> {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(StopListEntryEntity)
      .values(entry)
      .orIgnore()
      .returning(['channel'])
      .execute();
    return inserted.raw.length > 0;
  }

  /** The entry of the address, which must be on the list. */
  get(manager: EntityManager, channel: Channel, address: string): Promise<StopListEntryEntity> {
    return manager.findOneByOrFail(StopListEntryEntity, { channel, address });
  }

  /** The entry of the address, locked for the rest of the transaction; null when it is not on the list. */
  lock(manager: EntityManager, channel: Channel, address: string): Promise<StopListEntryEntity | null> {
    return manager.findOne(StopListEntryEntity, { where: { channel, address }, lock: { mode: 'pessimistic_write' } });
  }

  /** Takes the address off the list; answers whether it was there. */
  async remove(manager: EntityManager, channel: Channel, address: string): Promise<boolean> {
    const { affected } = await manager.delete(StopListEntryEntity, { channel, address });
    return (affected ?? 0) > 0;
  }
}
