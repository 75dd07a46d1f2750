import type { ReconcilingProvider } from '../email/email-provider';

export interface OutboundSms {
  notificationId: string;
  to: string;
  body: string;
}

export interface SmsSendResult {
  providerMessageId: string | null;
}

/** One SMS vendor (Twilio next) or the local sink; chosen by config in DeliveryModule. */
export interface SmsProvider extends ReconcilingProvider {
  readonly name: string;
  send(sms: OutboundSms): Promise<SmsSendResult>;
}

export const SMS_PROVIDER = Symbol('SMS_PROVIDER');
