import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DOMAIN_EVENT,
  LandingTokenView,
  NotificationFailedPayload,
  NotificationOutcome,
  NotificationSentPayload,
  ReplyTargetOpenedPayload,
} from '@appointments/contracts';
import { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import { LOGGER, runWithCorrelation } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { DispatchConfig } from '../dispatch.config';
import { LandingTokensRepository } from '../persistence/landing-tokens.repository';
import { NotificationEntity } from '../persistence/notification.entity';
import { NotificationsRepository } from '../persistence/notifications.repository';
import { DeliveryMetrics } from './delivery-metrics';
import { EMAIL_PROVIDER, EmailProvider } from './email/email-provider';
import { landingTokenView } from '../landing/landing-lookup.controller';
import { REDACTED_LANDING_TOKEN } from '../landing/landing-tokens';
import { messageToDeliver } from '../requests/notification-content';
import { ProviderSendError } from './provider-failure';
import { SMS_PROVIDER, SmsProvider } from './sms/sms-provider';

/** Notifications claimed (and recorded) together at most. */
const CLAIM_BATCH = 200;

interface Sent {
  row: NotificationEntity;
  provider: string;
  providerMessageId: string | null;
}

/**
 * Hands pending notifications to the providers. Every attempt is recorded before the
 * provider is called (the row is claimed), so two workers never send one notification
 * and a crash mid-call is visible rather than silently resent. Transient failures wait
 * with exponential backoff and jitter; permanent ones fail at once with the provider's
 * reason. Each outcome commits with its `NotificationSent`/`NotificationFailed` event.
 * Released staged reminders arrive claimed already (`deliverClaimed`) and take the same path.
 */
@Injectable()
export class NotificationDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private readonly active = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly notifications: NotificationsRepository,
    private readonly landingTokens: LandingTokensRepository,
    @Inject(EMAIL_PROVIDER) private readonly email: EmailProvider,
    @Inject(SMS_PROVIDER) private readonly sms: SmsProvider,
    private readonly outbox: DomainEventOutbox,
    private readonly config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(DeliveryMetrics) private readonly metrics?: DeliveryMetrics,
  ) {}

  onApplicationBootstrap() {
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.DELIVERY_SWEEP_MS);
  }

  async onApplicationShutdown() {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.active]);
  }

  /**
   * Delivers the given notifications now (called right after they are committed). Ids that
   * arrive together are claimed, and their outcomes recorded, in one statement each.
   */
  deliverNow(pending: Map<string, string | undefined>): Promise<void> {
    // Batches mix requests: each notification keeps the correlation id of the one that asked for it.
    for (const [id, correlationId] of pending) this.queued.set(id, correlationId);
    return this.scheduleFlush();
  }

  private scheduleFlush(): Promise<void> {
    if (!this.flush && this.queued.size > 0) {
      this.flush = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.flush = null;
        const batch = [...this.queued.keys()].slice(0, CLAIM_BATCH);
        const correlations = new Map(batch.map((id) => [id, this.queued.get(id)]));
        for (const id of batch) this.queued.delete(id);
        void this.scheduleFlush();
        // Never a rejection nobody awaits (it would end the process): a failed delivery leaves
        // its rows pending, or claimed with an attempt open, and the sweep takes them again.
        return this.track(this.deliver(batch, correlations)).catch((error) =>
          this.logger.error({ err: error, notifications: batch.length }, 'delivery failed; the sweep will take these notifications again'),
        );
      });
    }
    return this.flush ?? Promise.resolve();
  }

  private readonly queued = new Map<string, string | undefined>();
  private flush: Promise<void> | null = null;

  private track(work: Promise<void>): Promise<void> {
    this.active.add(work);
    return work.finally(() => this.active.delete(work));
  }

  /**
   * Delivers rows that were claimed (`NotificationsRepository.claimDueStaged`) in a transaction
   * that has committed: the release of staged reminders. Tracked like any delivery, so a
   * shutdown waits for it.
   */
  deliverClaimed(claimed: NotificationEntity[]): Promise<void> {
    return this.track(this.deliverRows(claimed));
  }

  private async deliver(ids: string[], correlations = new Map<string, string | undefined>()): Promise<void> {
    // Claimed first, recorded as an attempt: two workers never send one notification.
    const claimed = await this.notifications.claimPending(ids);
    await this.deliverRows(claimed, correlations);
  }

  /** The provider calls of claimed rows, and their outcomes recorded (the sent ones with one statement). */
  private async deliverRows(claimed: NotificationEntity[], correlations = new Map<string, string | undefined>()): Promise<void> {
    if (claimed.length === 0) return;
    const outcomes = await Promise.all(
      claimed.map(async (row) => {
        try {
          const result = await this.callProvider(row);
          return { row, provider: this.providerFor(row).name, providerMessageId: result.providerMessageId };
        } catch (error) {
          return { row, error };
        }
      }),
    );
    const sent = outcomes.filter((outcome): outcome is Sent => !('error' in outcome));
    if (sent.length > 0) await this.recordSent(sent, correlations);
    for (const outcome of outcomes) {
      if ('error' in outcome)
        await runWithCorrelation(correlations.get(outcome.row.id), () => this.recordFailure(outcome.row, outcome.error));
    }
  }

  private providerFor(row: NotificationEntity): EmailProvider | SmsProvider {
    return row.channel === 'email' ? this.email : this.sms;
  }

  private callProvider(row: NotificationEntity) {
    const content = messageToDeliver(row, REDACTED_LANDING_TOKEN);
    if (!content) throw new ProviderSendError('the message to send was not kept (it was already delivered or failed)', false);
    if (row.channel === 'sms') return this.sms.send({ notificationId: row.id, to: row.recipientPhone!, body: content.smsBody ?? '' });
    if (!content.from) throw new ProviderSendError('the email has no sender', false);
    return this.email.send({
      notificationId: row.id,
      to: { email: row.recipientEmail!, name: row.recipientName },
      from: content.from,
      subject: content.subject ?? '',
      text: content.text ?? '',
      html: content.html ?? '',
      attachments: content.attachments.map((attachment) => ({
        filename: attachment.filename,
        contentType: attachment.contentType,
        content: Buffer.from(attachment.content, 'base64'),
      })),
    });
  }

  private async recordSent(sent: Sent[], correlations = new Map<string, string | undefined>()) {
    const sentAt = new Date();
    await this.dataSource.transaction(async (manager) => {
      await this.notifications.recordSent(
        manager,
        sent.map(({ row, provider, providerMessageId }) => ({ id: row.id, provider, providerMessageId })),
        sentAt,
      );
      const replyTargets = await this.replyTargets(
        manager,
        sent.filter(({ row }) => row.channel === 'sms').map(({ row }) => row.id),
      );
      await this.outbox.add(manager, [
        ...sent.map(({ row, provider, providerMessageId }): NewDomainEvent => {
          const payload: NotificationSentPayload = {
            ...outcomeOf(row),
            provider,
            providerMessageId,
            sentAt: sentAt.toISOString(),
            ...(row.reminder ? { reminder: row.reminder } : {}),
          };
          return { type: DOMAIN_EVENT.NotificationSent, eventId: row.eventId, payload, correlationId: correlations.get(row.id) };
        }),
        ...sent.flatMap(({ row, providerMessageId }): NewDomainEvent[] => {
          const target = replyTargets.get(row.id);
          if (!target) return [];
          const payload: ReplyTargetOpenedPayload = { target, providerMessageId, sentAt: sentAt.toISOString() };
          return [{ type: DOMAIN_EVENT.ReplyTargetOpened, eventId: row.eventId, payload, correlationId: correlations.get(row.id) }];
        }),
      ]);
    });
    for (const { row, provider } of sent) {
      runWithCorrelation(correlations.get(row.id), () =>
        this.logger.info({ notificationId: row.id, channel: row.channel, provider }, 'notification sent'),
      );
      this.metrics?.delivered(row.channel, 'sent');
      if (row.reminder) this.metrics?.reminderSent(row.channel, row.reminder.dueAt, sentAt);
    }
  }

  /**
   * What a reply to each of these SMS answers (`ReplyTargetOpened`), by
   * notification id, read in the sending transaction with one statement: those whose config
   * has reply codes on, with their landing token, and which no provider report has already
   * failed (the status just written is seen). The same conditions as
   * `LandingLookupController.latestOpenReplyTargets`, but for these notifications only and
   * whatever the expiry: inbound-response keeps the copy and reads the expiry itself.
   */
  private async replyTargets(manager: EntityManager, smsIds: string[]): Promise<Map<string, LandingTokenView>> {
    if (smsIds.length === 0) return new Map();
    const rows = await this.landingTokens.replyTargetsOf(manager, smsIds);
    return new Map(rows.map((row) => [row.notification_id, landingTokenView(row)]));
  }

  private async recordFailure(row: NotificationEntity, error: unknown) {
    const transient = error instanceof ProviderSendError ? error.transient : true;
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof ProviderSendError && error.outcomeUnknown && !this.providerFor(row).lookup) {
      // The provider may have taken it: the attempt stays open, and the provider's delivery
      // report (or, without one, the sweep after DELIVERY_OUTCOME_WAIT_MS) settles it.
      await this.notifications.awaitProviderReport(row.id, `${reason}; waiting for the provider's report before deciding`);
      this.logger.warn({ notificationId: row.id, reason }, 'provider call outcome unknown; not resent');
      this.metrics?.delivered(row.channel, 'outcome_unknown');
      return;
    }
    if (transient && row.attempts < this.config.DELIVERY_MAX_ATTEMPTS) {
      const backoff = this.config.DELIVERY_RETRY_BASE_MS * 2 ** (row.attempts - 1);
      const delay = Math.round(backoff / 2 + Math.random() * backoff); // "equal jitter"
      await this.notifications.scheduleRetry(row.id, reason, new Date(Date.now() + delay));
      this.logger.warn({ notificationId: row.id, attempt: row.attempts, retryInMs: delay, reason }, 'provider failed; will retry');
      this.metrics?.delivered(row.channel, 'retrying');
      return;
    }
    await this.markFailed(row, transient ? `gave up after ${row.attempts} attempts: ${reason}` : reason);
  }

  private async markFailed(row: NotificationEntity, reason: string) {
    await this.dataSource.transaction(async (manager) => {
      await this.notifications.markFailed(manager, row.id, reason);
      const payload: NotificationFailedPayload = {
        ...outcomeOf(row),
        status: 'failed',
        reason,
      };
      await this.outbox.add(manager, [{ type: DOMAIN_EVENT.NotificationFailed, eventId: row.eventId, payload }]);
    });
    this.logger.error({ notificationId: row.id, reason }, 'notification failed');
    this.metrics?.delivered(row.channel, 'failed');
  }

  /**
   * A provider call that never recorded its outcome (the process stopped mid-call). Resending
   * blindly could send it twice, so: a provider that can tell settles it (found: sent; not
   * found: safe to send again); otherwise the provider's own delivery report settles it when
   * it comes, and after DELIVERY_OUTCOME_WAIT_MS without one it is marked failed.
   */
  private async reconcile(row: NotificationEntity): Promise<void> {
    const provider = this.providerFor(row);
    if (provider.lookup) {
      const found = await provider.lookup(row.id);
      if (found) {
        await this.recordSent([{ row, provider: provider.name, providerMessageId: found.providerMessageId }]);
      } else {
        await this.notifications.sendAgain(row.id);
        this.logger.warn({ notificationId: row.id }, 'interrupted provider call: the provider never took it; sending again');
      }
      return;
    }
    const waited = Date.now() - (row.attemptStartedAt?.getTime() ?? 0);
    if (waited >= this.config.DELIVERY_INTERRUPTED_AFTER_MS + this.config.DELIVERY_OUTCOME_WAIT_MS) {
      await this.markFailed(
        row,
        'delivery outcome unknown: the process stopped during the provider call and the provider never reported on it; not resent to avoid a duplicate',
      );
    }
  }

  /** Picks up retries that are due, work a stopped process left pending, and interrupted calls. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const due = await this.notifications.dueForSweep();
      if (due.length > 0) await this.track(this.deliver(due));
      const interrupted = await this.notifications.interruptedBefore(new Date(Date.now() - this.config.DELIVERY_INTERRUPTED_AFTER_MS));
      for (const row of interrupted) await this.reconcile(row);
    } catch (error) {
      this.logger.warn({ err: error }, 'delivery sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}

/** Which notification an outcome event is about, and to whom it went. */
export function outcomeOf(row: NotificationEntity): NotificationOutcome {
  return {
    notificationId: row.id,
    requestId: row.requestId ?? row.id,
    eventId: row.eventId ?? '',
    type: row.type,
    channel: row.channel,
    to: (row.channel === 'email' ? row.recipientEmail : row.recipientPhone) ?? '',
    recipientName: row.recipientName,
  };
}
