import { Injectable } from '@nestjs/common';
import type { NotificationConfig } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';
import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DispatchConfig } from '../dispatch.config';
import { LandingTokensRepository } from '../persistence/landing-tokens.repository';

/** 16 random bytes: 128 bits, 22 characters of base64url, short enough for an SMS. */
const TOKEN_BYTES = 16;

/**
 * Stands in for the token wherever a message is shown rather than sent (the console, the
 * preview). Same length as a real token, so an SMS preview counts the same segments.
 */
export const REDACTED_LANDING_TOKEN = 'redacted-landing-token';

export interface LandingTokenScope {
  notificationId: string;
  eventId: string;
  customerId: string;
  channel: Channel;
  config: NotificationConfig;
  eventEnd: Date;
}

/** Issues landing tokens; the plain token exists only in the message sent to the customer. */
@Injectable()
export class LandingTokens {
  constructor(
    private readonly config: DispatchConfig,
    private readonly tokens: LandingTokensRepository,
  ) {}

  /** Whether a notification sent with this config gets a landing link: it has buttons or reply codes. */
  static needed(config: NotificationConfig): boolean {
    const buttons = config.buttons ?? {};
    return Object.values(buttons).some(Boolean) || Boolean(config.replyCodes?.enabled);
  }

  static hash(token: string): Buffer {
    return createHash('sha256').update(token, 'utf8').digest();
  }

  /** A new token; nothing is stored until `record`. */
  generate(): string {
    return randomBytes(TOKEN_BYTES).toString('base64url');
  }

  /** Stores the tokens' hashes with their scopes, in the transaction that logs the notifications. */
  async recordMany(manager: EntityManager, tokens: { token: string; scope: LandingTokenScope }[]): Promise<void> {
    if (tokens.length === 0) return;
    const daysMs = this.config.LANDING_TOKEN_DAYS_AFTER_END * 86_400_000;
    await this.tokens.recordMany(
      manager,
      tokens.map(({ token, scope }) => ({
        tokenHash: LandingTokens.hash(token),
        notificationId: scope.notificationId,
        eventId: scope.eventId,
        customerId: scope.customerId,
        channel: scope.channel,
        config: scope.config,
        expiresAt: new Date(scope.eventEnd.getTime() + daysMs),
      })),
    );
  }

  landingUrl(token: string): string {
    return `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/m/${token}`;
  }
}
