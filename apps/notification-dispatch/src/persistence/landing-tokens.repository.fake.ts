import { IssuedLandingToken, LandingTokenRow, LandingTokensRepository } from './landing-tokens.repository';
import type { NotificationEntity } from './notification.entity';
import type { InMemoryNotificationsRepository } from './notifications.repository.fake';

/** What a store of landing tokens answers: the repository's public methods. */
type LandingTokensStore = { [Method in keyof LandingTokensRepository]: LandingTokensRepository[Method] };

/** Statuses after which an SMS answers no reply (and a staged reminder, which reached nobody yet). */
const CLOSED: ReadonlySet<string> = new Set(['failed', 'undelivered', 'bounced', 'skipped', 'staged']);

/**
 * `LandingTokensRepository` in memory, for unit specs, reading the notifications of an
 * `InMemoryNotificationsRepository` as the statements join them: a token whose notification is
 * gone (withdrawn) or still staged answers nothing; expiry is by `now`. Its statements
 * themselves are tested on PostgreSQL in `test/integration/dispatch/dispatch-repositories.int-spec.ts`.
 */
export class InMemoryLandingTokensRepository implements LandingTokensStore {
  private readonly tokens = new Map<string, IssuedLandingToken>();

  constructor(
    private readonly notifications: InMemoryNotificationsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every token stored, in the order stored. */
  all(): IssuedLandingToken[] {
    return [...this.tokens.values()];
  }

  async recordMany(_manager: unknown, tokens: IssuedLandingToken[]): Promise<void> {
    for (const token of tokens) {
      const key = token.tokenHash.toString('hex');
      if (this.tokens.has(key)) throw new Error('duplicate key value violates unique constraint: landing token');
      this.tokens.set(key, { ...token });
    }
  }

  async findByHash(tokenHash: Buffer): Promise<LandingTokenRow | null> {
    const token = this.tokens.get(tokenHash.toString('hex'));
    const notification = token && this.notifications.get(token.notificationId);
    return token && notification && notification.status !== 'staged' ? rowOf(token, notification) : null;
  }

  async latestOpenReplyTargets(phones: string[]): Promise<LandingTokenRow[]> {
    const latest = new Map<string, LandingTokenRow>();
    for (const row of this.joined()) {
      if (!row.recipient_phone || !phones.includes(row.recipient_phone) || !isReplyTarget(row) || row.expires_at <= this.now()) continue;
      const known = latest.get(row.recipient_phone);
      const later =
        !known ||
        row.created_at > known.created_at ||
        (row.created_at.getTime() === known.created_at.getTime() && row.notification_id > known.notification_id);
      if (later) latest.set(row.recipient_phone, row);
    }
    return [...latest.values()];
  }

  async replyTargetsOf(_manager: unknown, smsIds: string[]): Promise<LandingTokenRow[]> {
    return this.joined().filter((row) => smsIds.includes(row.notification_id) && isReplyTarget(row));
  }

  private joined(): (LandingTokenRow & { notification: NotificationEntity })[] {
    return this.all().flatMap((token) => {
      const notification = this.notifications.get(token.notificationId);
      return notification ? [{ ...rowOf(token, notification), notification }] : [];
    });
  }
}

function isReplyTarget({ notification, config }: LandingTokenRow & { notification: NotificationEntity }): boolean {
  return (
    notification.channel === 'sms' &&
    notification.direction === 'outbound' &&
    !CLOSED.has(notification.status) &&
    config.replyCodes?.enabled === true
  );
}

function rowOf(token: IssuedLandingToken, notification: NotificationEntity): LandingTokenRow {
  return {
    notification_id: token.notificationId,
    event_id: token.eventId,
    customer_id: token.customerId,
    channel: token.channel,
    config_key: token.config.key,
    config: token.config,
    expires_at: token.expiresAt,
    created_at: notification.createdAt,
    recipient_phone: notification.recipientPhone,
  };
}
