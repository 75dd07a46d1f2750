import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT } from '@appointments/contracts';
import { DomainEventOutbox } from '@appointments/messaging';
import { DataSource } from 'typeorm';
import { ProviderCallbacksRepository } from '../persistence/provider-callbacks.repository';
import { closesReplyTarget, ReplyTargets } from '../sms/reply-targets';
import { DeliveryReport } from './delivery-report';

export interface RecordedReports {
  /** Reports seen for the first time: each published one `DeliveryStatusChanged`. */
  recorded: number;
  /** Reports seen before (a provider retry or duplicate): nothing published. */
  duplicates: number;
}

/**
 * Publishes `DeliveryStatusChanged` once per provider report. In one transaction, each
 * report's key goes into `provider_callbacks`; only the reports whose key was new are
 * published (outbox). A retried or duplicated callback, even one arriving at the same
 * moment on another instance, finds its key taken and publishes nothing. A report from
 * Twilio that an SMS failed closes its reply target in the same transaction (`ReplyTargets`).
 */
@Injectable()
export class RecordDeliveryReports {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly callbacks: ProviderCallbacksRepository,
    private readonly outbox: DomainEventOutbox,
    private readonly replyTargets: ReplyTargets,
  ) {}

  async execute(reports: DeliveryReport[]): Promise<RecordedReports> {
    const distinct = [...new Map(reports.map((report) => [keyOf(report.change.provider, report.callbackKey), report])).values()];
    if (distinct.length === 0) return { recorded: 0, duplicates: 0 };
    const published = await this.dataSource.transaction(async (manager) => {
      const recorded = await this.callbacks.recordNew(
        manager,
        distinct.map((report) => ({ provider: report.change.provider, callbackKey: report.callbackKey })),
      );
      const fresh = new Set(recorded.map((callback) => keyOf(callback.provider, callback.callbackKey)));
      const news = distinct.filter((report) => fresh.has(keyOf(report.change.provider, report.callbackKey)));
      await this.outbox.add(
        manager,
        news.map((report) => ({ type: DOMAIN_EVENT.DeliveryStatusChanged, payload: report.change })),
      );
      // A failed or undelivered SMS answers no reply from now on (the copy of the reply
      // targets); closing is idempotent, so a repeated report changes nothing. Only Twilio's
      // reports close one: an email report naming an SMS notification closes nothing.
      await this.replyTargets.close(
        manager,
        distinct.flatMap((report) => (closesReplyTarget(report.change) ? [report.change.notificationId] : [])),
      );
      return news.length;
    });
    return { recorded: published, duplicates: reports.length - published };
  }
}

function keyOf(provider: string, callbackKey: string): string {
  return `${provider} ${callbackKey}`;
}
