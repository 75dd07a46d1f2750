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
import { DataSource } from 'typeorm';
import { ChatterEntriesRepository } from '../persistence/chatter-entries.repository';
import { EventsRepository } from '../persistence/events.repository';
import { TemplatesRepository } from '../persistence/templates.repository';
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
    private readonly events: EventsRepository,
    private readonly templates: TemplatesRepository,
    private readonly chatterEntries: ChatterEntriesRepository,
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
    const rows = await this.events.listLatest(this.dataSource.manager);
    const titles = await this.templates.customerTitlesOf(this.dataSource.manager, [...new Set(rows.map((row) => row.templateId))]);
    return rows.map((row) => eventView(row, titles.get(row.templateId) ?? ''));
  }

  @MessagePattern(SCHEDULING_REQUEST.getChatter)
  async chatter(@Payload() query: ByIdQuery): Promise<ChatterEntryView[]> {
    if (!(await this.events.exists(this.dataSource.manager, query.id))) throw new NotFound('event', query.id);
    const rows = await this.chatterEntries.listOfEvent(this.dataSource.manager, query.id);
    return rows.map(chatterView);
  }
}
