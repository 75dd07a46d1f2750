export { ProviderSendError } from '../provider-failure';

/** One email ready to hand to a provider: content already rendered, addresses resolved. */
export interface OutboundEmail {
  /** Our notification id; providers echo it back in delivery events. */
  notificationId: string;
  to: { email: string; name?: string };
  from: { email: string; name?: string };
  replyTo?: { email: string; name?: string };
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface EmailSendResult {
  /** The provider's id for the accepted message, when it gives one. */
  providerMessageId: string | null;
}

/** One class per vendor (SendGrid, the local sink) behind this interface. */
export interface EmailProvider extends ReconcilingProvider {
  readonly name: string;
  /** Resolves once the provider accepted the email; rejects with `ProviderSendError`. */
  send(email: OutboundEmail): Promise<EmailSendResult>;
}

/**
 * A provider that can say for certain whether it took a message, by our notification id.
 * Used after a crash between the provider call and recording its outcome: found means it
 * was sent, null means it certainly was not (safe to send). Providers that cannot tell
 * (SendGrid, Twilio) leave it out, and their own delivery reports settle the outcome.
 */
export interface ReconcilingProvider {
  lookup?(notificationId: string): Promise<{ providerMessageId: string | null } | null>;
}

export const EMAIL_PROVIDER = Symbol('EMAIL_PROVIDER');
