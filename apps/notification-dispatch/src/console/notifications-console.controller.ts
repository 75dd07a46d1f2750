import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DISPATCH_REQUEST, ListNotificationsQuery, NotificationView, Page } from '@appointments/contracts';
import type { DeliveryStatus } from '@appointments/domain';
import { NotificationEntity } from '../persistence/notification.entity';
import { NotificationsRepository } from '../persistence/notifications.repository';

/** A row the console shows: any but a staged reminder, which is not there until it is released. */
export type ConsoleNotification = NotificationEntity & { status: DeliveryStatus };

/**
 * The notifications console: every outbound notification and inbound response or SMS, newest
 * first. A staged reminder is neither listed nor counted: it appears when it is released.
 */
@Controller()
export class NotificationsConsoleController {
  constructor(private readonly notifications: NotificationsRepository) {}

  @MessagePattern(DISPATCH_REQUEST.listNotifications)
  async list(@Payload() query: ListNotificationsQuery): Promise<Page<NotificationView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { rows, total } = await this.notifications.consolePage(query, page, pageSize);
    return { items: (rows as ConsoleNotification[]).map(notificationView), page, pageSize, total };
  }
}

export function notificationView(row: ConsoleNotification): NotificationView {
  return {
    id: row.id,
    requestId: row.requestId,
    eventId: row.eventId,
    type: row.type,
    configKey: row.configKey,
    channel: row.channel,
    direction: row.direction,
    recipientName: row.recipientName,
    recipientEmail: row.recipientEmail,
    recipientPhone: row.recipientPhone,
    subject: row.subject,
    text: row.text,
    html: row.html,
    smsBody: row.smsBody,
    smsSegments: row.smsSegments,
    smsEncoding: row.smsEncoding,
    status: row.status,
    providerStatus: row.providerStatus,
    statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
    provider: row.provider,
    providerMessageId: row.providerMessageId,
    error: row.error,
    responseType: row.responseType,
    reason: row.reason,
    answersNotificationId: row.answersNotificationId,
    eventStart: row.eventStart?.toISOString() ?? null,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
