import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ByIdQuery,
  ChatterEntryView,
  CreateEventCommand,
  EventView,
  NotificationPreview,
  PreviewNotificationCommand,
  SCHEDULING_REQUEST,
  SendNotificationCommand,
  SendNotificationResult,
  SendNotificationsCommand,
  BatchSendOutcome,
  UpdateEventCommand,
} from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { DataSource, In } from 'typeorm';
import { ChatterEntryEntity } from '../persistence/chatter-entry.entity';
import { EventEntity } from '../persistence/event.entity';
import { TemplateEntity } from '../persistence/template.entity';
import { chatterView, eventView } from '../persistence/views';
import { CreateEventHandler } from './create-event/create-event.handler';
import { EventLoader } from './event-loader';
import { PreviewNotificationHandler } from './preview-notification/preview-notification.handler';
import { SendNotificationHandler } from './send-notification/send-notification.handler';
import { UpdateEventHandler } from './update-event/update-event.handler';

/** Translates requests into handler calls; the rules live in the handlers and the domain lib. */
@Controller()
export class EventsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly createEvent: CreateEventHandler,
    private readonly updateEvent: UpdateEventHandler,
    private readonly sendNotification: SendNotificationHandler,
    private readonly previewNotification: PreviewNotificationHandler,
  ) {}

  @MessagePattern(SCHEDULING_REQUEST.createEvent)
  create(@Payload() command: CreateEventCommand): Promise<EventView> {
    return this.createEvent.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.updateEvent)
  update(@Payload() command: UpdateEventCommand): Promise<EventView> {
    return this.updateEvent.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.sendNotification)
  send(@Payload() command: SendNotificationCommand): Promise<SendNotificationResult> {
    return this.sendNotification.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.sendNotifications)
  sendBatch(@Payload() command: SendNotificationsCommand): Promise<BatchSendOutcome[]> {
    return this.sendNotification.executeBatch(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.previewNotification)
  preview(@Payload() command: PreviewNotificationCommand): Promise<NotificationPreview> {
    return this.previewNotification.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.getEvent)
  async get(@Payload() query: ByIdQuery): Promise<EventView> {
    const { event, template } = await this.loader.load(this.dataSource.manager, query.id);
    return eventView(event, template.customerTitle);
  }

  @MessagePattern(SCHEDULING_REQUEST.listEvents)
  async list(): Promise<EventView[]> {
    const rows = await this.dataSource.manager.find(EventEntity, { order: { start: 'DESC' }, take: 500 });
    const templateIds = [...new Set(rows.map((row) => row.templateId))];
    const titles = await this.dataSource.manager.find(TemplateEntity, {
      select: { id: true, customerTitle: true },
      where: { id: In(templateIds) },
    });
    const templates = new Map(titles.map((template) => [template.id, template.customerTitle]));
    return rows.map((row) => eventView(row, templates.get(row.templateId) ?? ''));
  }

  @MessagePattern(SCHEDULING_REQUEST.getChatter)
  async chatter(@Payload() query: ByIdQuery): Promise<ChatterEntryView[]> {
    if (!(await this.dataSource.manager.existsBy(EventEntity, { id: query.id }))) throw new NotFound('event', query.id);
    const rows = await this.dataSource.manager.find(ChatterEntryEntity, {
      where: { eventId: query.id },
      order: { createdAt: 'ASC' },
    });
    return rows.map(chatterView);
  }
}
