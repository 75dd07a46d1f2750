import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DISPATCH_REQUEST, LandingTokenView, NotificationConfig } from '@appointments/contracts';
import { Expired, NotFound, type Channel } from '@appointments/domain';
import { DataSource } from 'typeorm';
import { LandingTokens } from './landing-tokens';

interface TokenRow {
  notification_id: string;
  event_id: string;
  customer_id: string;
  channel: Channel;
  config_key: string;
  config: NotificationConfig;
  expires_at: Date;
  created_at: Date;
  recipient_phone: string | null;
}

const SELECT_TOKEN = `
  SELECT t.notification_id, t.event_id, t.customer_id, t.channel, t.config_key, t.config, t.expires_at,
         n.created_at, n.recipient_phone
    FROM notification_dispatch.landing_tokens t
    JOIN notification_dispatch.notifications n ON n.id = t.notification_id`;

/**
 * What a landing token (or a phone number, for SMS replies) answers: the notification it
 * belongs to, with the config it was sent with. inbound-response asks before it records a
 * response; the gateway asks before it renders a landing page.
 */
@Controller()
export class LandingLookupController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `{token}` → the token's scope; `not_found` for a token never issued, `expired` past its expiry. */
  @MessagePattern(DISPATCH_REQUEST.resolveLandingToken)
  async resolve(@Payload() query: { token?: unknown }): Promise<LandingTokenView> {
    const token = typeof query?.token === 'string' ? query.token : '';
    // Never echo the token itself: it is a bearer credential.
    const unknown = new NotFound('landing token', 'for this link');
    if (token === '' || token.length > 200) throw unknown;
    const rows: TokenRow[] = await this.dataSource.query(`${SELECT_TOKEN} WHERE t.token_hash = $1`, [LandingTokens.hash(token)]);
    const row = rows[0];
    if (!row) throw unknown;
    if (row.expires_at.getTime() <= Date.now()) {
      throw new Expired(`This link expired on ${row.expires_at.toISOString()}`, { expiresAt: row.expires_at.toISOString(), eventId: row.event_id });
    }
    return landingTokenView(row);
  }

  /**
   * `{phone}` → the latest SMS notification to that number whose config has reply codes on,
   * whose token has not expired and which was not reported failed; null when there is none.
   */
  @MessagePattern(DISPATCH_REQUEST.latestOpenReplyTarget)
  async latestOpenReplyTarget(@Payload() query: { phone?: unknown }): Promise<LandingTokenView | null> {
    const phone = typeof query?.phone === 'string' ? query.phone : '';
    if (phone === '') return null;
    const rows: TokenRow[] = await this.dataSource.query(
      `${SELECT_TOKEN}
        WHERE n.recipient_phone = $1 AND n.channel = 'sms' AND n.direction = 'outbound'
          AND n.status NOT IN ('failed', 'undelivered', 'bounced', 'skipped')
          AND t.expires_at > now()
          AND (t.config -> 'replyCodes' ->> 'enabled') = 'true'
        ORDER BY n.created_at DESC, n.id DESC
        LIMIT 1`,
      [phone],
    );
    return rows[0] ? landingTokenView(rows[0]) : null;
  }
}

function landingTokenView(row: TokenRow): LandingTokenView {
  return {
    notificationId: row.notification_id,
    eventId: row.event_id,
    customerId: row.customer_id,
    channel: row.channel,
    configKey: row.config_key,
    config: row.config,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    phone: row.channel === 'sms' ? row.recipient_phone : null,
  };
}
