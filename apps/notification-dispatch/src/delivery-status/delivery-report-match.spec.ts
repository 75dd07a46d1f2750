import type { DeliveryStatusChangedPayload } from '@appointments/contracts';
import { LocalSinkEmailProvider, LocalSinkSmsProvider } from '../delivery/local-sink/local-delivery-sink';
import { SendGridEmailProvider } from '../delivery/email/sendgrid-email.provider';
import { TwilioSmsProvider } from '../delivery/sms/twilio-sms.provider';
import { deliveryReportMismatch, DeliveryReportMismatch, LOCAL_SINK_PROVIDER, ReportedNotification } from './delivery-report-match';

const SID = `SM${'a'.repeat(32)}`;
const OTHER_SID = `SM${'b'.repeat(32)}`;
const X_MESSAGE_ID = 'x-message-id-1';

const sms = (fields: Partial<ReportedNotification> = {}): ReportedNotification => ({
  channel: 'sms',
  provider: 'twilio',
  providerMessageId: SID,
  ...fields,
});
const email = (fields: Partial<ReportedNotification> = {}): ReportedNotification => ({
  channel: 'email',
  provider: 'sendgrid',
  providerMessageId: X_MESSAGE_ID,
  ...fields,
});
type Report = Pick<DeliveryStatusChangedPayload, 'provider' | 'providerMessageId'>;
const twilio = (providerMessageId: string | null = SID): Report => ({ provider: 'twilio', providerMessageId });
const sendgrid = (providerMessageId: string | null = X_MESSAGE_ID): Report => ({ provider: 'sendgrid', providerMessageId });

describe('deliveryReportMismatch: a report moves only a notification of its provider and channel', () => {
  it.each<[string, ReportedNotification, Report, DeliveryReportMismatch | null]>([
    // Its own.
    ['Twilio, the SMS it took, same MessageSid', sms(), twilio(), null],
    ['SendGrid, the email it took, same X-Message-Id', email(), sendgrid(), null],
    ['SendGrid, the email it took, the event without sg_message_id', email(), sendgrid(null), null],
    [
      'Twilio, an SMS whose send is not recorded yet (the callback came first)',
      sms({ provider: null, providerMessageId: null }),
      twilio(),
      null,
    ],
    // Another channel: a forged or mistaken notification id.
    ['SendGrid, naming an SMS (a forged email bounce)', sms(), sendgrid(), 'channel'],
    ['SendGrid, naming an SMS not recorded as sent yet', sms({ provider: null, providerMessageId: null }), sendgrid(), 'channel'],
    ['Twilio, naming an email', email(), twilio(), 'channel'],
    [
      'SendGrid, naming an inbound row (a response by email link)',
      email({ channel: 'email_link', provider: null, providerMessageId: null }),
      sendgrid(),
      'channel',
    ],
    ['Twilio, naming an inbound SMS reply', sms({ channel: 'sms_reply', provider: null, providerMessageId: null }), twilio(), 'channel'],
    // Same channel, another provider or message.
    ['Twilio, an SMS another SMS provider took', sms({ provider: 'another-sms-vendor' }), twilio(), 'provider'],
    ['Twilio, another MessageSid than the one recorded', sms(), twilio(OTHER_SID), 'provider_message_id'],
    [
      'Twilio, another MessageSid than an earlier report recorded (send not recorded yet)',
      sms({ provider: null }),
      twilio(OTHER_SID),
      'provider_message_id',
    ],
    ['SendGrid, another X-Message-Id than the one recorded', email(), sendgrid('x-message-id-2'), 'provider_message_id'],
    // The local sink stands in for the vendor of its channel, whatever the message id.
    ['Twilio, an SMS the local sink took', sms({ provider: LOCAL_SINK_PROVIDER, providerMessageId: 'a-dev-outbox-id' }), twilio(), null],
    [
      'SendGrid, an email the local sink took',
      email({ provider: LOCAL_SINK_PROVIDER, providerMessageId: 'a-dev-outbox-id' }),
      sendgrid(),
      null,
    ],
    ['SendGrid, naming an SMS the local sink took', sms({ provider: LOCAL_SINK_PROVIDER }), sendgrid(), 'channel'],
  ])('%s', (_name, notification, report, expected) => {
    expect(deliveryReportMismatch(notification, report)).toBe(expected);
  });

  it('knows the providers by the names they record on a sent notification', () => {
    const none = undefined as never;
    expect(new LocalSinkEmailProvider(none).name).toBe(LOCAL_SINK_PROVIDER);
    expect(new LocalSinkSmsProvider(none).name).toBe(LOCAL_SINK_PROVIDER);
    const sendGrid = new SendGridEmailProvider('SG.not-a-real-key');
    const twilioSms = new TwilioSmsProvider({
      accountSid: `AC${'0'.repeat(32)}`,
      authToken: 'not-a-real-token',
      from: '+15005550006',
      statusCallbackUrl: () => 'https://hooks.example.com',
    });
    expect([sendGrid.name, twilioSms.name]).toEqual(['sendgrid', 'twilio'] satisfies DeliveryStatusChangedPayload['provider'][]);
    expect(deliveryReportMismatch(email({ provider: sendGrid.name }), sendgrid())).toBeNull();
    expect(deliveryReportMismatch(sms({ provider: twilioSms.name }), twilio())).toBeNull();
  });
});
