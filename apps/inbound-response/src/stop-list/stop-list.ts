import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ActorDto,
  DOMAIN_EVENT,
  normaliseStopListAddress,
  OptOutChangedPayload,
  PersonRef,
  StopListCommand,
  StopListEntryView,
  StopListQueryDto,
  STOP_LIST_ADDRESS_RULE,
} from '@appointments/contracts';
import { InvalidInput, NotFound, type Channel } from '@appointments/domain';
import { DomainEventOutbox } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { StopListEntryEntity } from '../persistence/stop-list-entry.entity';
import { StopListRepository } from '../persistence/stop-list.repository';

/**
 * The stop list as staff change it. Each real change (an address going on or coming off)
 * commits with its `OptOutChanged`; adding an address already there changes nothing and
 * publishes nothing, so a repeated request is harmless.
 */
@Injectable()
export class StopList {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly entries: StopListRepository,
    private readonly outbox: DomainEventOutbox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async list(query: StopListQueryDto): Promise<StopListEntryView[]> {
    const rows = await this.entries.list({ channel: query.channel, address: query.address });
    return rows.map(stopListEntryView);
  }

  /** Puts the address on the list for its channel; answers the entry, the existing one if it was already there. */
  async add(command: StopListCommand): Promise<StopListEntryView> {
    const { channel } = command.entry;
    const address = this.normalise(channel, command.entry.address);
    const changedBy = personOf(command.actor);
    const { entry, added } = await this.dataSource.transaction(async (manager) => {
      const isNew = await this.entries.add(manager, {
        channel,
        address,
        source: 'staff',
        keyword: null,
        reason: command.entry.reason ?? null,
        changedBy,
        optedOutAt: new Date(),
      });
      const row = await this.entries.get(manager, channel, address);
      if (isNew)
        await this.publish(manager, {
          channel,
          address,
          optedOut: true,
          source: 'staff',
          keyword: null,
          changedBy,
          changedAt: row.optedOutAt.toISOString(),
        });
      return { entry: row, added: isNew };
    });
    if (added) this.logger.info({ channel, address, changedBy: changedBy.id }, 'address put on the stop list by staff');
    return stopListEntryView(entry);
  }

  /** Takes the address off the list for its channel; answers the entry as it was. NotFound when it is not there. */
  async remove(command: StopListCommand): Promise<StopListEntryView> {
    const { channel } = command.entry;
    const address = this.normalise(channel, command.entry.address);
    const changedBy = personOf(command.actor);
    const entry = await this.dataSource.transaction(async (manager) => {
      const row = await this.entries.lock(manager, channel, address);
      if (!row) throw new NotFound('stop list entry', `${channel}:${address}`);
      await this.entries.remove(manager, channel, address);
      await this.publish(manager, {
        channel,
        address,
        optedOut: false,
        source: 'staff',
        keyword: null,
        changedBy,
        changedAt: new Date().toISOString(),
      });
      return row;
    });
    this.logger.info({ channel, address, changedBy: changedBy.id }, 'address taken off the stop list by staff');
    return stopListEntryView(entry);
  }

  /**
   * A customer's SMS keyword (`STOP`, `START`...) puts the number on the list or takes it off,
   * in the caller's transaction. Answers the change, for the caller to publish (`OptOutChanged`)
   * with the other events of the SMS, or null when the list was already so: a second `STOP`
   * changes nothing and publishes nothing.
   */
  async applySmsKeyword(
    manager: EntityManager,
    change: { address: string; optedOut: boolean; keyword: string },
  ): Promise<OptOutChangedPayload | null> {
    const { address, optedOut, keyword } = change;
    const changedAt = new Date();
    const changed = optedOut
      ? await this.entries.add(manager, {
          channel: 'sms',
          address,
          source: 'sms_keyword',
          keyword,
          reason: null,
          changedBy: null,
          optedOutAt: changedAt,
        })
      : await this.entries.remove(manager, 'sms', address);
    if (!changed) return null;
    return { channel: 'sms', address, optedOut, source: 'sms_keyword', keyword, changedBy: null, changedAt: changedAt.toISOString() };
  }

  private normalise(channel: Channel, address: string): string {
    const normalised = normaliseStopListAddress(channel, address);
    if (normalised === null) throw new InvalidInput(STOP_LIST_ADDRESS_RULE[channel], { errors: [STOP_LIST_ADDRESS_RULE[channel]] });
    return normalised;
  }

  private async publish(manager: EntityManager, change: OptOutChangedPayload) {
    await this.outbox.add(manager, [{ type: DOMAIN_EVENT.OptOutChanged, payload: change }]);
  }
}

function personOf(actor: ActorDto): PersonRef & { id: string } {
  return { id: actor.id, name: actor.name, email: actor.email ?? null };
}

function stopListEntryView(row: StopListEntryEntity): StopListEntryView {
  return {
    channel: row.channel,
    address: row.address,
    source: row.source,
    keyword: row.keyword,
    reason: row.reason,
    changedBy: row.changedBy ? { ...(row.changedBy.id ? { id: row.changedBy.id } : {}), name: row.changedBy.name } : null,
    optedOutAt: row.optedOutAt.toISOString(),
  };
}
