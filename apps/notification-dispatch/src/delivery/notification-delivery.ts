import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DOMAIN_EVENT, NotificationFailedPayload, NotificationOutcome, NotificationSentPayload } from '@appointments/contracts';
import { DomainEventOutbox } from '@appointments/messaging';
import { LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DispatchConfig } from '../dispatch.config';
import { NotificationEntity } from '../persistence/notification.entity';
import { EMAIL_PROVIDER, EmailProvider, ProviderSendError } from './email/email-provider';
import { SMS_PROVIDER, SmsProvider } from './sms/sms-provider';

const TABLE = 'notification_dispatch.notifications';

/**
 * Hands pending notifications to the providers. Every attempt is recorded before the
 * provider is called (the row is claimed), so two workers never send one notification
 * and a crash mid-call is visible rather than silently resent. Transient failures wait
 * with exponential backoff and jitter; permanent ones fail at once with the provider's
 * reason. Each outcome commits with its `NotificationSent`/`NotificationFailed` event.
 */
@Injectable()
export class NotificationDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private readonly active = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(EMAIL_PROVIDER) private readonly email: EmailProvider,
    @Inject(SMS_PROVIDER) private readonly sms: SmsProvider,
    private readonly outbox: DomainEventOutbox,
    private readonly config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.sweepTimer = setInterval(() => void this.sweep(), this.config.DELIVERY_SWEEP_MS);
  }

  async onApplicationShutdown() {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.active]);
  }

  /** Delivers the given notifications now (called right after they are committed). */
  async deliverNow(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.track(this.deliver(id))));
  }

  private track(work: Promise<void>): Promise<void> {
    this.active.add(work);
    return work.finally(() => this.active.delete(work));
  }

  private async deliver(id: string): Promise<void> {
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
    const [claimedRows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE ${TABLE} SET attempt_started_at = now(), attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'pending' AND attempt_started_at IS NULL AND next_attempt_at <= now() RETURNING id`,
      [id],
    );
    const claimed = claimedRows.length > 0 ? await this.dataSource.manager.findOneByOrFail(NotificationEntity, { id }) : null;
    if (!claimed) return;
    const provider = this.providerFor(claimed);
    try {
      const result = await this.callProvider(claimed);
      await this.recordSent(claimed, provider.name, result.providerMessageId);
    } catch (error) {
      await this.recordFailure(claimed, error);
    }
  }

  private providerFor(row: NotificationEntity): EmailProvider | SmsProvider {
    return row.channel === 'email' ? this.email : this.sms;
  }

  private callProvider(row: NotificationEntity) {
    const content = row.deliveryContent;
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

  private async recordSent(row: NotificationEntity, provider: string, providerMessageId: string | null) {
    await this.dataSource.transaction(async (manager) => {
      const sentAt = new Date();
      // A provider report may have come first (Twilio calls back fast): never move it back.
      await manager.query(
        `UPDATE ${TABLE} SET status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END,
            provider = $2, provider_message_id = COALESCE(provider_message_id, $3), sent_at = $4, error = NULL,
            attempt_started_at = NULL, delivery_content = NULL, status_changed_at = COALESCE(status_changed_at, $4), updated_at = now()
          WHERE id = $1`,
        [row.id, provider, providerMessageId, sentAt],
      );
      const payload: NotificationSentPayload = {
        ...outcomeOf(row),
        provider,
        providerMessageId,
        sentAt: sentAt.toISOString(),
      };
      await this.outbox.add(manager, [{ type: DOMAIN_EVENT.NotificationSent, eventId: row.eventId, payload }]);
    });
    this.logger.info({ notificationId: row.id, channel: row.channel, provider }, 'notification sent');
  }

  private async recordFailure(row: NotificationEntity, error: unknown) {
    const transient = error instanceof ProviderSendError ? error.transient : true;
    const reason = error instanceof Error ? error.message : String(error);
    if (transient && row.attempts < this.config.DELIVERY_MAX_ATTEMPTS) {
      const backoff = this.config.DELIVERY_RETRY_BASE_MS * 2 ** (row.attempts - 1);
      const delay = Math.round(backoff / 2 + Math.random() * backoff); // "equal jitter"
      await this.dataSource.manager.update(
        NotificationEntity,
        { id: row.id },
        { attemptStartedAt: null, error: reason, nextAttemptAt: new Date(Date.now() + delay) },
      );
      this.logger.warn({ notificationId: row.id, attempt: row.attempts, retryInMs: delay, reason }, 'provider failed; will retry');
      return;
    }
    await this.markFailed(row, transient ? `gave up after ${row.attempts} attempts: ${reason}` : reason);
  }

  private async markFailed(row: NotificationEntity, reason: string) {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        NotificationEntity,
        { id: row.id },
        { status: 'failed', error: reason, attemptStartedAt: null, deliveryContent: null, statusChangedAt: new Date() },
      );
      const payload: NotificationFailedPayload = {
        ...outcomeOf(row),
        status: 'failed',
        reason,
      };
      await this.outbox.add(manager, [{ type: DOMAIN_EVENT.NotificationFailed, eventId: row.eventId, payload }]);
    });
    this.logger.error({ notificationId: row.id, reason }, 'notification failed');
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
        await this.recordSent(row, provider.name, found.providerMessageId);
      } else {
        await this.dataSource.manager.update(NotificationEntity, { id: row.id, status: 'pending' }, { attemptStartedAt: null, nextAttemptAt: new Date() });
        this.logger.warn({ notificationId: row.id }, 'interrupted provider call: the provider never took it; sending again');
      }
      return;
    }
    const waited = Date.now() - (row.attemptStartedAt?.getTime() ?? 0);
    if (waited >= this.config.DELIVERY_INTERRUPTED_AFTER_MS + this.config.DELIVERY_OUTCOME_WAIT_MS) {
      await this.markFailed(row, 'delivery outcome unknown: the process stopped during the provider call and the provider never reported on it; not resent to avoid a duplicate');
    }
  }

  /** Picks up retries that are due, work a stopped process left pending, and interrupted calls. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const due: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM ${TABLE} WHERE status = 'pending' AND attempt_started_at IS NULL AND next_attempt_at <= now()
           AND created_at < now() - interval '2 seconds' ORDER BY next_attempt_at LIMIT 200`,
      );
      await Promise.all(due.map(({ id }) => this.track(this.deliver(id))));
      const interrupted: NotificationEntity[] = await this.dataSource.manager
        .createQueryBuilder(NotificationEntity, 'n')
        .where("n.status = 'pending' AND n.attempt_started_at < :before", { before: new Date(Date.now() - this.config.DELIVERY_INTERRUPTED_AFTER_MS) })
        .limit(100)
        .getMany();
      for (const row of interrupted) await this.reconcile(row);
    } catch (error) {
      this.logger.warn({ err: error }, 'delivery sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}

function outcomeOf(row: NotificationEntity): NotificationOutcome {
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
