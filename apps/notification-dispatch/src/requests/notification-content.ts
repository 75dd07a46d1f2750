import type { NotificationRequestedPayload } from '@appointments/contracts';
import {
  calendarUid,
  actionButtons,
  buildCalendarInvite,
  countSmsSegments,
  composeSms,
  NotificationContext,
  renderEmail,
  renderResponseNotice,
  renderResponseNoticeSms,
  renderSms,
  TemplateRenderError,
} from '@appointments/notification-content';
import { replyCodeTable, type Channel } from '@appointments/domain';
import type { DeliveryContent, MessageContent, NotificationEntity } from '../persistence/notification.entity';

/** One channel's message, exactly as the provider gets it. */
export interface ComposedNotification extends MessageContent {
  smsSegments: { encoding: 'GSM-7' | 'UCS-2'; segments: number; characters: number } | null;
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

/**
 * Builds one channel's message from the snapshot the request carries. Email: the config's
 * subject and body (every value HTML-escaped), the action buttons its toggles enable (never
 * from the body), the calendar block, the sender's header, and the `.ics` (REQUEST, or
 * CANCEL for a cancellation). SMS: the text, the landing link and the reply-code hint.
 * `landingUrl` is null when the config has neither buttons nor reply codes.
 * Throws `TemplateRenderError` when the content cannot be rendered.
 */
export function composeNotification(
  request: NotificationRequestedPayload,
  channel: Channel,
  landingUrl: string | null,
): ComposedNotification {
  if (request.type === 'internal') return composeInternal(request, channel);
  if (request.type === 'auto_reply') return composeAutoReply(request, channel);
  const context = notificationContext(request, landingUrl);
  const { config } = request;
  if (channel === 'sms') {
    const replyCodes = replyCodeTable(config.replyCodes);
    const smsBody = composeSms(config.smsBody ?? '', context, { landingUrl, replyCodes });
    return { from: null, subject: null, html: null, text: null, smsBody, attachments: [], smsSegments: countSmsSegments(smsBody) };
  }
  const email = renderEmail(
    { emailSubject: config.emailSubject ?? request.event.customerTitle, emailBody: config.emailBody ?? '' },
    context,
    {
      buttons: landingUrl ? actionButtons(config.buttons, { landingUrl, labels: config.landing?.buttonLabels }) : [],
      buttonColor: config.buttonColor,
      calendarBlock: true,
      calendarColor: config.calendarColor,
      sender: { name: request.sender.name, imageUrl: request.sender.imageUrl },
    },
  );
  const invite = buildCalendarInvite({
    method: request.type === 'cancellation' ? 'CANCEL' : 'REQUEST',
    uid: calendarUid(request.event.id),
    sequence: request.event.calendarSequence,
    start: request.event.start,
    end: request.event.end,
    title: request.event.customerTitle,
    description: request.event.description,
    location: request.event.location ?? request.event.videoUrl,
    // No landing link in the calendar file: it would keep the token in the console's copy.
    url: request.event.videoUrl,
    organizer: { name: request.sender.name, email: request.sender.email },
    attendee: { name: request.recipient.name, email: request.recipient.email },
  });
  return {
    from: { email: request.sender.email, name: request.sender.name },
    subject: email.subject,
    html: email.html,
    text: email.text,
    smsBody: null,
    attachments: [
      { filename: invite.filename, contentType: invite.contentType, content: Buffer.from(invite.content, 'utf8').toString('base64') },
    ],
    smsSegments: null,
  };
}

/**
 * `internal`: a follower told about a customer response, from the internal template
 * (`renderResponseNotice`), never from the config's customer-facing texts. The event's data
 * comes from the snapshot; the recipient is the follower. No landing link, no `.ics`.
 */
function composeInternal(request: NotificationRequestedPayload, channel: Channel): ComposedNotification {
  const notice = request.internal;
  if (!notice) throw new TemplateRenderError(['internal: the request carries no response to tell the follower about']);
  const context = { ...notificationContext(request, null), customerName: notice.customerName };
  const content = { ...notice, followerName: request.recipient.name };
  if (channel === 'sms') {
    const smsBody = renderResponseNoticeSms(content, context);
    return { from: null, subject: null, html: null, text: null, smsBody, attachments: [], smsSegments: countSmsSegments(smsBody) };
  }
  const email = renderResponseNotice(content, context);
  return { from: { email: request.sender.email, name: request.sender.name }, ...email, smsBody: null, attachments: [], smsSegments: null };
}

/**
 * `auto_reply`: the answer to a customer's SMS reply code, the config's `smsBody` (the code's
 * auto-reply text, placed there by scheduling) rendered with the event's data: no landing
 * link, no reply hint. SMS only.
 */
function composeAutoReply(request: NotificationRequestedPayload, channel: Channel): ComposedNotification {
  if (channel !== 'sms') throw new TemplateRenderError([`auto_reply: auto-replies are sent by SMS only, not by ${channel}`]);
  const smsBody = renderSms(request.config.smsBody ?? '', notificationContext(request, null));
  return { from: null, subject: null, html: null, text: null, smsBody, attachments: [], smsSegments: countSmsSegments(smsBody) };
}

/** The same message with the landing token replaced, for showing rather than sending (the .ics has no token). */
export function redacted<T extends MessageContent>(content: T, token: string | null, replacement: string): T {
  if (!token) return content;
  const hide = (value: string | null) => (value === null ? null : value.split(token).join(replacement));
  return {
    ...content,
    subject: hide(content.subject),
    html: hide(content.html),
    text: hide(content.text),
    smsBody: hide(content.smsBody),
  };
}

/** What to keep for the provider besides the console's copy (see `DeliveryContent`). */
export function deliveryContentOf(composed: MessageContent, token: string | null, replacement: string): DeliveryContent {
  const texts = [composed.subject, composed.html, composed.text, composed.smsBody];
  if (token && texts.some((text) => text?.includes(replacement))) {
    const { from, subject, html, text, smsBody, attachments } = composed;
    return { from, exact: { from, subject, html, text, smsBody, attachments } };
  }
  return { from: composed.from ?? null, landingToken: token };
}

/** The exact message of a pending notification: its console copy with the landing token put back. */
export function messageToDeliver(
  row: Pick<NotificationEntity, 'subject' | 'html' | 'text' | 'smsBody' | 'attachments' | 'deliveryContent'>,
  replacement: string,
): MessageContent | null {
  const content = row.deliveryContent;
  if (!content) return null;
  if (content.exact) return content.exact;
  if (content.landingToken === undefined) {
    // Written before tokens were kept on their own: the message's fields are all there.
    return {
      from: content.from,
      subject: content.subject ?? null,
      html: content.html ?? null,
      text: content.text ?? null,
      smsBody: content.smsBody ?? null,
      attachments: content.attachments ?? [],
    };
  }
  const token = content.landingToken;
  const show = (value: string | null) => (value === null || !token ? value : value.split(replacement).join(token));
  return {
    from: content.from,
    subject: show(row.subject),
    html: show(row.html),
    text: show(row.text),
    smsBody: show(row.smsBody),
    attachments: row.attachments ?? [],
  };
}
