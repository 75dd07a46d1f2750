import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DISPATCH_REQUEST, LandingTokenView, MAX_REPLY_TARGET_PHONES } from '@appointments/contracts';
import { Expired, InvalidInput, NotFound } from '@appointments/domain';
import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, MaxLength, validateSync } from 'class-validator';
import { LandingTokenRow, LandingTokensRepository } from '../persistence/landing-tokens.repository';
import { LandingTokens } from './landing-tokens';

/** `DISPATCH_REQUEST.latestOpenReplyTargets`: the numbers whose open notification is asked for. */
class LatestOpenReplyTargetsQuery {
  @IsArray()
  @ArrayMaxSize(MAX_REPLY_TARGET_PHONES, { message: `phones may list at most ${MAX_REPLY_TARGET_PHONES} numbers; split the list` })
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  phones: string[];
}

/**
 * What a landing token (or a phone number, for SMS replies) answers: the notification it
 * belongs to, with the config it was sent with. inbound-response asks before it records a
 * response; the gateway asks before it renders a landing page.
 */
@Controller()
export class LandingLookupController {
  constructor(private readonly tokens: LandingTokensRepository) {}

  /**
   * `{token}` → the token's scope; `not_found` for a token never issued or whose notification is
   * a staged reminder (not sent yet, so no customer can hold it), `expired` past its expiry.
   */
  @MessagePattern(DISPATCH_REQUEST.resolveLandingToken)
  async resolve(@Payload() query: { token?: unknown }): Promise<LandingTokenView> {
    const token = typeof query?.token === 'string' ? query.token : '';
    // Never echo the token itself: it is a bearer credential.
    const unknown = new NotFound('landing token', 'for this link');
    if (token === '' || token.length > 200) throw unknown;
    const row = await this.tokens.findByHash(LandingTokens.hash(token));
    if (!row) throw unknown;
    if (row.expires_at.getTime() <= Date.now()) {
      throw new Expired(`This link expired on ${row.expires_at.toISOString()}`, {
        expiresAt: row.expires_at.toISOString(),
        eventId: row.event_id,
      });
    }
    return landingTokenView(row);
  }

  /**
   * `{phone}` → the latest SMS notification to that number whose config has reply codes on,
   * whose token has not expired and which was not reported failed (nor is still staged); null
   * when there is none.
   */
  @MessagePattern(DISPATCH_REQUEST.latestOpenReplyTarget)
  async latestOpenReplyTarget(@Payload() query: { phone?: unknown }): Promise<LandingTokenView | null> {
    const phone = typeof query?.phone === 'string' ? query.phone : '';
    if (phone === '') return null;
    const [target] = await this.latestOpenReplyTargets({ phones: [phone] });
    return target;
  }

  /**
   * `{phones}` → for each number, in the same order, what `latestOpenReplyTarget` answers for
   * it, with one statement for them all: inbound-response asks once for a group of SMS
   * replies that arrived together. `invalid_input` for anything but a list of at most
   * `MAX_REPLY_TARGET_PHONES` strings.
   */
  @MessagePattern(DISPATCH_REQUEST.latestOpenReplyTargets)
  async latestOpenReplyTargets(@Payload() query: unknown): Promise<(LandingTokenView | null)[]> {
    const phones = replyTargetPhones(query);
    const asked = [...new Set(phones.filter((phone) => phone !== ''))];
    if (asked.length === 0) return phones.map(() => null);
    const rows = await this.tokens.latestOpenReplyTargets(asked);
    const byPhone = new Map(rows.map((row) => [row.recipient_phone, landingTokenView(row)]));
    return phones.map((phone) => byPhone.get(phone) ?? null);
  }
}

/** The phones of a `latestOpenReplyTargets` query, checked: the payload comes from another service, over the wire. */
function replyTargetPhones(query: unknown): string[] {
  const candidate = plainToInstance(LatestOpenReplyTargetsQuery, typeof query === 'object' && query !== null ? query : {});
  const errors = validateSync(candidate).flatMap((error) => Object.values(error.constraints ?? {}));
  if (errors.length > 0) throw new InvalidInput(errors[0], { errors });
  return candidate.phones;
}

/**
 * A token row as the other services see it. Exported for `NotificationDelivery`, which puts
 * the same view in `ReplyTargetOpened`: the copy inbound-response keeps must
 * answer exactly what this controller answers.
 */
export function landingTokenView(row: LandingTokenRow): LandingTokenView {
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
