import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ByIdQuery,
  ChatterEntryView,
  CreateEventCommand,
  EventPage,
  EventQueryDto,
  EventView,
  ListedEventView,
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
import { toErrorShape } from '@appointments/messaging';
import { DataSource } from 'typeorm';
import { ChatterEntriesRepository } from '../persistence/chatter-entries.repository';
import { CustomersRepository } from '../persistence/customers.repository';
import { EventsRepository } from '../persistence/events.repository';
import { TemplatesRepository } from '../persistence/templates.repository';
import { chatterView, eventView } from '../persistence/views';
import { CreateEvent } from './create-event/create-event';
import { DEFAULT_EVENT_PAGE_SIZE, eventPageCursor } from './event-page-cursor';
import { EventLoader } from './event-loader';
import { PreviewNotification } from './preview-notification/preview-notification';
import { SendNotification } from './send-notification/send-notification';
import { UpdateEvent } from './update-event/update-event';

/** Translates requests into use-case calls (and reads); the rules live in the use cases and the domain lib. */
@Controller()
export class EventsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly events: EventsRepository,
    private readonly templates: TemplatesRepository,
    private readonly customers: CustomersRepository,
    private readonly chatterEntries: ChatterEntriesRepository,
    private readonly createEvent: CreateEvent,
    private readonly updateEvent: UpdateEvent,
    private readonly sendNotification: SendNotification,
    private readonly previewNotification: PreviewNotification,
  ) {}

  @MessagePattern(SCHEDULING_REQUEST.createEvent)
  create(@Payload() command: CreateEventCommand): Promise<EventView> {
    return this.createEvent.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.updateEvent)
  update(@Payload() command: UpdateEventCommand): Promise<EventView> {
    return this.updateEvent.execute(command);
  }

  /** One send, a list of one: its result, or its refusal thrown. */
  @MessagePattern(SCHEDULING_REQUEST.sendNotification)
  async send(@Payload() command: SendNotificationCommand): Promise<SendNotificationResult> {
    const [outcome] = await this.sendNotification.execute({
      actor: command.actor,
      sends: [{ eventId: command.eventId, ...command.notification }],
    });
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.result;
  }

  /** A batch: one outcome per send, in order, a refusal as its error. */
  @MessagePattern(SCHEDULING_REQUEST.sendNotifications)
  async sendBatch(@Payload() command: SendNotificationsCommand): Promise<BatchSendOutcome[]> {
    const outcomes = await this.sendNotification.execute(command);
    return outcomes.map((outcome) =>
      'refusal' in outcome
        ? { eventId: outcome.eventId, ok: false, error: toErrorShape(outcome.refusal) }
        : { eventId: outcome.eventId, ok: true, ...outcome.result },
    );
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

  /**
   * Without `limit` and `cursor`: the array of before (the 500 that start last), filtered. With
   * either: a page `{items, nextCursor}` (keyset by start and id, see `eventPageCursor`).
   */
  @MessagePattern(SCHEDULING_REQUEST.listEvents)
  async list(@Payload() query: EventQueryDto = {}): Promise<ListedEventView[] | EventPage> {
    const paged = query.limit !== undefined || query.cursor !== undefined;
    const limit = paged ? (query.limit ?? DEFAULT_EVENT_PAGE_SIZE) : 500;
    const order = query.order ?? 'desc';
    const rows = await this.events.findMatching(this.dataSource.manager, {
      search: query.search,
      bookingStatus: query.bookingStatus,
      notificationState: query.notificationState,
      templateId: query.templateId,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      order,
      after: query.cursor ? eventPageCursor.read(query.cursor, order) : undefined,
      limit: paged ? limit + 1 : limit,
    });
    const page = rows.slice(0, limit);
    const titles = await this.templates.customerTitlesOf(this.dataSource.manager, [...new Set(page.map((row) => row.templateId))]);
    const names = await this.customers.namesOf(this.dataSource.manager, [...new Set(page.map((row) => row.customerId))]);
    const items = page.map((row): ListedEventView => ({
      ...eventView(row, titles.get(row.templateId) ?? ''),
      customer: names.has(row.customerId) ? { id: row.customerId, name: names.get(row.customerId)! } : null,
    }));
    if (!paged) return items;
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit && last ? eventPageCursor.write(last, order) : null };
  }

  @MessagePattern(SCHEDULING_REQUEST.getChatter)
  async chatter(@Payload() query: ByIdQuery): Promise<ChatterEntryView[]> {
    if (!(await this.events.exists(this.dataSource.manager, query.id))) throw new NotFound('event', query.id);
    const rows = await this.chatterEntries.listOfEvent(this.dataSource.manager, query.id);
    return rows.map(chatterView);
  }
}
