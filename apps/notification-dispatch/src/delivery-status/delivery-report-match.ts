import type { DeliveryStatusChangedPayload } from '@appointments/contracts';
import type { Channel } from '@appointments/domain';

/** The channel each provider that reports delivery delivers: its reports concern only that channel. */
export const REPORTING_PROVIDER_CHANNEL: Readonly<Record<DeliveryStatusChangedPayload['provider'], Channel>> = {
  sendgrid: 'email',
  twilio: 'sms',
};

/**
 * The provider name the local sink records (`LocalSinkEmailProvider`, `LocalSinkSmsProvider`).
 * It stands in for both vendors: a report of the vendor of its channel moves what it delivered,
 * so the providers' webhooks can be tried without vendor accounts.
 */
export const LOCAL_SINK_PROVIDER = 'local-sink';

/** Why a report does not concern the notification it names. */
export type DeliveryReportMismatch =
  /** An email provider's report naming an SMS (or an inbound row), or the other way round. */
  | 'channel'
  /** The notification went out through another provider. */
  | 'provider'
  /** The same provider, another message: the provider's message id differs from the one recorded. */
  | 'provider_message_id';

/** What of a notification says which reports may move it. */
export interface ReportedNotification {
  channel: string;
  /** Who took the message; null until the send is recorded (a report can come first). */
  provider: string | null;
  providerMessageId: string | null;
}

/**
 * Whether a provider's report may move this notification: null when it may, else why not. The
 * report must come from the provider of the notification's channel (a SendGrid bounce never
 * fails an SMS); from the provider that took it, once that is recorded; and, when both sides
 * know the provider's message id (Twilio's MessageSid, SendGrid's X-Message-Id), about that
 * message. Before the send is recorded (no provider yet) the provider is not checked; the
 * message id is, once an earlier report has recorded one.
 */
export function deliveryReportMismatch(
  notification: ReportedNotification,
  report: Pick<DeliveryStatusChangedPayload, 'provider' | 'providerMessageId'>,
): DeliveryReportMismatch | null {
  if (notification.channel !== REPORTING_PROVIDER_CHANNEL[report.provider]) return 'channel';
  if (notification.provider === LOCAL_SINK_PROVIDER) return null;
  if (notification.provider !== null && notification.provider !== report.provider) return 'provider';
  if (notification.providerMessageId && report.providerMessageId && notification.providerMessageId !== report.providerMessageId)
    return 'provider_message_id';
  return null;
}
