import { deliveryStatusFromTwilio } from '@appointments/domain';
import { DeliveryReport } from '../delivery-report';
import { TwilioStatusCallbackDto } from './twilio-status-callback.dto';

/**
 * Twilio's status callback as a delivery report, or null when its status changes nothing
 * (`queued`, `sending`, an unknown status...). One report per message and status: Twilio's
 * retry of the same callback has the same key.
 */
export function twilioStatusReport(
  callback: TwilioStatusCallbackDto,
  notificationId: string | null,
  receivedAt: Date,
): DeliveryReport | null {
  const status = deliveryStatusFromTwilio(callback.MessageStatus);
  if (!status) return null;
  return {
    callbackKey: twilioCallbackKey(callback.MessageSid, callback.MessageStatus),
    change: {
      notificationId,
      provider: 'twilio',
      providerMessageId: callback.MessageSid,
      status,
      providerStatus: callback.MessageStatus,
      errorCode: callback.ErrorCode ?? null,
      reason: null,
      occurredAt: receivedAt.toISOString(),
    },
  };
}

/**
 * The de-duplication key of a Twilio status callback: one per message and status. Also read
 * by `ReplyTargets`, to see whether a just-sent SMS was already reported failed.
 */
export function twilioCallbackKey(messageSid: string, messageStatus: string): string {
  return `${messageSid}:${messageStatus}`;
}
