import type { NotificationRequestedPayload } from '@appointments/contracts';
import { NotificationContext, renderEmail, renderSms } from '@appointments/notification-content';

export interface RenderedNotification {
  subject: string | null;
  html: string | null;
  text: string | null;
  smsBody: string | null;
}

export function notificationContext(request: NotificationRequestedPayload, landingUrl: string | null): NotificationContext {
  return {
    customerName: request.recipient.name,
    customerTitle: request.event.customerTitle,
    start: request.event.start,
    end: request.event.end,
    timeZone: request.event.timeZone,
    location: request.event.location,
    videoUrl: request.event.videoUrl,
    description: request.event.description,
    organizerName: request.event.organizer.name,
    organizerEmail: request.event.organizer.email ?? null,
    organizerPhone: request.event.organizer.phone ?? null,
    landingUrl,
  };
}

/** Renders one channel's content from the config snapshot carried by the request. */
export function renderForChannel(request: NotificationRequestedPayload, channel: 'email' | 'sms'): RenderedNotification {
  const context = notificationContext(request, null);
  if (channel === 'email') {
    const email = renderEmail(
      { emailSubject: request.config.emailSubject ?? request.event.customerTitle, emailBody: request.config.emailBody ?? '' },
      context,
      { buttonColor: request.config.buttonColor },
    );
    return { subject: email.subject, html: email.html, text: email.text, smsBody: null };
  }
  return { subject: null, html: null, text: null, smsBody: renderSms(request.config.smsBody ?? '', context) };
}
