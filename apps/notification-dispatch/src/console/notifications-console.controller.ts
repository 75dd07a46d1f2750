import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { DISPATCH_REQUEST, ListNotificationsQuery, NotificationView, Page } from '@appointments/contracts';
import type { DeliveryStatus } from '@appointments/domain';
import { containsPattern } from '@appointments/persistence';
import { Repository } from 'typeorm';
import { NotificationEntity } from '../persistence/notification.entity';

/** A row the console shows: any but a staged reminder, which is not there until it is released. */
export type ConsoleNotification = NotificationEntity & { status: DeliveryStatus };

/**
 * The notifications console: every outbound notification and inbound response or SMS, newest
 * first. A staged reminder is neither listed nor counted: it appears when it is released.
 */
@Controller()
export class NotificationsConsoleController {
  constructor(@InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>) {}

  @MessagePattern(DISPATCH_REQUEST.listNotifications)
  async list(@Payload() query: ListNotificationsQuery): Promise<Page<NotificationView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const builder = this.notifications.createQueryBuilder('n').where("n.status <> 'staged'");
    if (query.eventId) builder.andWhere('n.event_id = :eventId', { eventId: query.eventId });
    if (query.type) builder.andWhere('n.type = :type', { type: query.type });
    if (query.channel) builder.andWhere('n.channel = :channel', { channel: query.channel });
    if (query.status) builder.andWhere('n.status = :status', { status: query.status });
    if (query.direction) builder.andWhere('n.direction = :direction', { direction: query.direction });
    if (query.responseType) builder.andWhere('n.response_type = :responseType', { responseType: query.responseType });
    if (query.from) builder.andWhere('n.created_at >= :from', { from: new Date(query.from) });
    if (query.to) builder.andWhere('n.created_at < :to', { to: new Date(query.to) });
    if (query.recipient) {
      const like = containsPattern(query.recipient);
      builder.andWhere('(n.recipient_name ILIKE :like OR n.recipient_email ILIKE :like OR n.recipient_phone ILIKE :like)', { like });
    }
    const [rows, total] = await builder
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
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
