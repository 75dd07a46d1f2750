import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  BatchSendNotificationsDto,
  BatchSendOutcome,
  BatchSendResult,
  ChatterEntryView,
  CreateCustomerDto,
  CreateEventDto,
  CreateTemplateDto,
  CustomerQueryDto,
  CustomerView,
  DevOutboxMessageView,
  DevOutboxQueryDto,
  DISPATCH_REQUEST,
  EventPage,
  EventQueryDto,
  EventView,
  ListedEventView,
  INBOUND_REQUEST,
  LandingPreviewDto,
  NotificationPreview,
  NotificationQueryDto,
  NotificationView,
  Page,
  PreviewNotificationDto,
  REMINDER_REQUEST,
  ReminderView,
  SCHEDULING_REQUEST,
  SenderSettingsDto,
  SenderSettingsView,
  SendNotificationDto,
  SendNotificationResult,
  SERVICE,
  StopListChangeDto,
  StopListEntryView,
  StopListQueryDto,
  TemplateView,
  UpdateCustomerDto,
  UpdateEventDto,
} from '@appointments/contracts';
import { DOMAIN_ERROR_HTTP_STATUS } from '@appointments/domain';
import { RpcClient } from '@appointments/messaging';
import { AdminOnly } from '@appointments/observability';
import { StaffPrincipal } from '../auth/auth.service';
import { Staff } from '../auth/staff-auth.guard';
import { AcceptsIdempotencyKey } from '../idempotency/accepts-idempotency-key.decorator';
import { landingPreviewCsp, renderLandingPreview } from '../landing/landing-preview';
import { ReminderViewDto } from './reminder-view.dto';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 400 });
const actorOf = (staff: StaffPrincipal) => ({ id: staff.id, name: staff.name, email: staff.email });

/**
 * The staff API: each route validates its input, names the acting staff member and asks
 * the owning service over AMQP. Rules live in the services.
 */
@ApiTags('customers')
@ApiBearerAuth()
@Controller('api/customers')
export class CustomersApiController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @AcceptsIdempotencyKey()
  create(@Body() customer: CreateCustomerDto, @Staff() staff: StaffPrincipal): Promise<CustomerView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.createCustomer, { actor: actorOf(staff), customer });
  }

  @Get()
  @ApiOperation({ summary: 'The newest 500 customers, or those whose name, email or phone matches `search`' })
  list(@Query() query: CustomerQueryDto): Promise<CustomerView[]> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.listCustomers, query);
  }

  @Get(':id')
  get(@Param('id', uuid) id: string): Promise<CustomerView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.getCustomer, { id });
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change a customer's details (null clears an optional field)",
    description:
      "Notifications from then on use the new details; a reminder prepared before is prepared again. Event titles that show the name follow, and each of the customer's events still to come gets a chatter line.",
  })
  update(@Param('id', uuid) id: string, @Body() changes: UpdateCustomerDto, @Staff() staff: StaffPrincipal): Promise<CustomerView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.updateCustomer, { actor: actorOf(staff), id, changes });
  }
}

@ApiTags('templates')
@ApiBearerAuth()
@Controller('api/templates')
export class TemplatesApiController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @AcceptsIdempotencyKey()
  create(@Body() template: CreateTemplateDto, @Staff() staff: StaffPrincipal): Promise<TemplateView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.createTemplate, { actor: actorOf(staff), template });
  }

  @Get()
  list(): Promise<TemplateView[]> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.listTemplates, {});
  }

  @Get(':id')
  get(@Param('id', uuid) id: string): Promise<TemplateView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.getTemplate, { id });
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a template (same body as create); events using it follow it from their next send' })
  update(@Param('id', uuid) id: string, @Body() template: CreateTemplateDto, @Staff() staff: StaffPrincipal): Promise<TemplateView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.updateTemplate, { actor: actorOf(staff), id, template });
  }

  @Post('landing-preview')
  @HttpCode(200)
  @ApiOperation({
    summary: "A config's customer landing page for a sample event, as `/m/:token` renders it, buttons inert (text/html)",
    description:
      'The body is `{template, configKey}`, `template` being the body of `POST /api/templates` (validated the same way; nothing is saved). ' +
      'Made to be shown in a sandboxed `srcdoc` iframe of the staff app; its forms post nowhere.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page' })
  @ApiBadRequestResponse({ description: 'An invalid template, or a configKey it does not have' })
  landingPreview(
    @Body() preview: LandingPreviewDto,
    @Staff() staff: StaffPrincipal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string {
    const { html, nonce } = renderLandingPreview(preview, staff);
    void reply.headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': landingPreviewCsp(nonce),
      'x-frame-options': 'SAMEORIGIN',
    });
    return html;
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a template no event uses (409 otherwise)' })
  delete(@Param('id', uuid) id: string): Promise<{ id: string; deleted: true }> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.deleteTemplate, { id });
  }
}

@ApiTags('events')
@ApiBearerAuth()
@Controller('api/events')
export class EventsApiController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @AcceptsIdempotencyKey()
  @ApiOperation({ summary: 'Save a draft event; nothing is sent' })
  create(@Body() event: CreateEventDto, @Staff() staff: StaffPrincipal): Promise<EventView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.createEvent, { actor: actorOf(staff), event });
  }

  @Get()
  @ApiOperation({
    summary: 'Events, filtered: `search` (title or customer name), `bookingStatus`, `notificationState`, `templateId`, start `from`/`to`',
    description:
      'Without `limit` and `cursor`: an array, the 500 that start last (as before). With either: a page `{items, nextCursor}` ' +
      '(`limit` 1-500, default 100; pass `nextCursor` back as `cursor` for the next page, with the same filters and `order`; null on the last page).',
  })
  list(@Query() query: EventQueryDto): Promise<ListedEventView[] | EventPage> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.listEvents, query);
  }

  @Get(':id')
  get(@Param('id', uuid) id: string): Promise<EventView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.getEvent, { id });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change editable fields; a significant change after a send makes the event update_due' })
  update(@Param('id', uuid) id: string, @Body() changes: UpdateEventDto, @Staff() staff: StaffPrincipal): Promise<EventView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.updateEvent, { actor: actorOf(staff), id, changes });
  }

  @Get(':id/chatter')
  @ApiOperation({ summary: "The event's timeline, oldest first" })
  chatter(@Param('id', uuid) id: string): Promise<ChatterEntryView[]> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.getChatter, { id });
  }

  @Get(':id/reminders')
  @ApiOperation({
    summary: "The event's scheduled reminders (one per fixed reminder trigger of its template), by due time",
    description:
      'Kept by reminder-scheduler in PostgreSQL (the source of truth; the BullMQ jobs on /ops/queues mirror it). An empty list for an event without reminders.',
  })
  @ApiOkResponse({ type: ReminderViewDto, isArray: true })
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  reminders(@Param('id', uuid) id: string): Promise<ReminderView[]> {
    return this.rpc.request(SERVICE.reminderScheduler, REMINDER_REQUEST.listReminders, { id });
  }

  @Post(':id/notifications/preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview a send: recipient, channels (and skipped ones, with why), rendered email and SMS; nothing changes',
    description:
      'Refused exactly like the send would be (409, 422). A cancellation preview also returns the confirmationToken its send needs.',
  })
  preview(
    @Param('id', uuid) eventId: string,
    @Body() notification: PreviewNotificationDto,
    @Staff() staff: StaffPrincipal,
  ): Promise<NotificationPreview> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.previewNotification, { actor: actorOf(staff), eventId, notification });
  }

  @Post(':id/notifications')
  @HttpCode(202)
  @AcceptsIdempotencyKey()
  @ApiOperation({ summary: 'Send a notification; 409 when the state machine refuses, 422 when no channel is left' })
  send(
    @Param('id', uuid) eventId: string,
    @Body() notification: SendNotificationDto,
    @Staff() staff: StaffPrincipal,
  ): Promise<SendNotificationResult> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.sendNotification, { actor: actorOf(staff), eventId, notification });
  }
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsApiController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'The notifications console, newest first, paginated' })
  list(@Query() query: NotificationQueryDto): Promise<Page<NotificationView>> {
    return this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.listNotifications, query);
  }

  @Post('batch')
  @HttpCode(200)
  @AcceptsIdempotencyKey()
  @ApiOperation({
    summary: "Send many notifications at once (e.g. confirmations for a day's bookings); each send succeeds or is refused on its own",
    description:
      'Each entry is the body of `POST /api/events/:id/notifications` plus its `eventId`, applied in order in one transaction. ' +
      'The answer lists, per entry, `status: 202` with the notification ids, or the status and error it would have had alone (404, 409, 422...). ' +
      'A refused entry changes nothing; the others still go. At most 500 entries.',
  })
  async sendBatch(@Body() body: BatchSendNotificationsDto, @Staff() staff: StaffPrincipal): Promise<BatchSendResult> {
    const outcomes = await this.rpc.request<BatchSendOutcome[]>(SERVICE.scheduling, SCHEDULING_REQUEST.sendNotifications, {
      actor: actorOf(staff),
      sends: body.sends,
    });
    const results = outcomes.map((outcome): BatchSendResult['results'][number] => {
      if (outcome.ok) {
        const { ok: _ok, ...result } = outcome;
        return { ...result, status: 202 };
      }
      const { code, message, details } = outcome.error;
      return {
        eventId: outcome.eventId,
        status: DOMAIN_ERROR_HTTP_STATUS[code] ?? 500,
        error: code,
        message,
        ...(details ? { details } : {}),
      };
    });
    const accepted = results.filter((result) => result.status === 202).length;
    return { accepted, refused: results.length - accepted, results };
  }
}

@ApiTags('dev')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/dev/outbox')
export class DevOutboxApiController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Messages taken by the local delivery sinks (admins only; 404 unless the local sink is active)' })
  list(@Query() query: DevOutboxQueryDto): Promise<DevOutboxMessageView[]> {
    return this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.listDevOutbox, query);
  }
}

@ApiTags('settings')
@ApiBearerAuth()
@Controller('api/settings/sender')
export class SenderSettingsApiController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Who customers see emails come from, and the verified sending domains' })
  get(): Promise<SenderSettingsView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.getSenderSettings, {});
  }

  @Put()
  @ApiOperation({ summary: 'Change the sender; 422 when the address is not on a verified domain' })
  update(@Body() sender: SenderSettingsDto, @Staff() staff: StaffPrincipal): Promise<SenderSettingsView> {
    return this.rpc.request(SERVICE.scheduling, SCHEDULING_REQUEST.updateSenderSettings, { actor: actorOf(staff), sender });
  }
}

@ApiTags('stop list')
@ApiBearerAuth()
@Controller('api/stop-list')
export class StopListApiController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Addresses that opted out; nothing is sent to them on that channel' })
  list(@Query() query: StopListQueryDto): Promise<StopListEntryView[]> {
    return this.rpc.request(SERVICE.inboundResponse, INBOUND_REQUEST.listStopList, query);
  }

  @Post()
  @AcceptsIdempotencyKey()
  @ApiOperation({ summary: 'Put an address on the stop list by hand (idempotent)' })
  add(@Body() entry: StopListChangeDto, @Staff() staff: StaffPrincipal): Promise<StopListEntryView> {
    return this.rpc.request(SERVICE.inboundResponse, INBOUND_REQUEST.addToStopList, { actor: actorOf(staff), entry });
  }

  @Delete(':channel/:address')
  @ApiOperation({ summary: 'Take an address off the stop list (URL-encode it: %2B for the + of a phone number)' })
  remove(@Param() entry: StopListChangeDto, @Staff() staff: StaffPrincipal): Promise<unknown> {
    return this.rpc.request(SERVICE.inboundResponse, INBOUND_REQUEST.removeFromStopList, { actor: actorOf(staff), entry });
  }
}
