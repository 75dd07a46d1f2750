import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  ConversationListQueryDto,
  ConversationMessagePage,
  ConversationMessagesQueryDto,
  ConversationPage,
  ConversationPhoneParamDto,
  DISPATCH_REQUEST,
  ListConversationsQuery,
  RecentSmsView,
  SendConversationMessageDto,
  SendStaffMessageCommand,
  SERVICE,
} from '@appointments/contracts';
import { RpcClient } from '@appointments/messaging';
import { StaffPrincipal } from '../auth/auth.service';
import { Staff } from '../auth/staff-auth.guard';
import { AcceptsIdempotencyKey } from '../idempotency/accepts-idempotency-key.decorator';

/** How many inbound SMS the dashboard shows. */
const RECENT_SMS = 10;

/**
 * Two-way SMS conversations (api.md, "Conversations"; docs/conversations.md): notification-dispatch
 * keeps them, the gateway validates, names the staff member and asks over AMQP.
 */
@ApiTags('conversations')
@ApiBearerAuth()
@Controller('api/conversations')
export class ConversationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @ApiOperation({
    summary: 'The conversations, one per mobile number: those with SMS you have not read first, then the latest',
    description:
      '`search` finds a customer name (any case) or digits of the number; `unread=true` keeps the conversations with unread SMS; pass `nextCursor` back as `cursor` (with the same filters) for the next page.',
  })
  @ApiOkResponse({ description: '`{items: [{phone, customer?: {id, name}, lastMessage: {direction, body, at}, unread}], nextCursor}`' })
  @ApiBadRequestResponse({ description: 'A malformed filter or cursor' })
  list(@Query() query: ConversationListQueryDto, @Staff() staff: StaffPrincipal): Promise<ConversationPage> {
    const request: ListConversationsQuery = { ...query, staffId: staff.id };
    return this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.listConversations, request);
  }

  @Get(':phone/messages')
  @ApiOperation({
    summary: "One number's SMS both ways, oldest first: the last 30 days, or older than the `before` cursor",
    description:
      'Pass `nextCursor` back as `before` for the messages before these (also those older than 30 days); null when there are none.',
  })
  @ApiOkResponse({ description: '`{items: [{id, direction, body, at, source, status, staffId?}], nextCursor}`' })
  @ApiBadRequestResponse({ description: 'The phone is not E.164, or a malformed cursor or limit' })
  messages(@Param() { phone }: ConversationPhoneParamDto, @Query() query: ConversationMessagesQueryDto): Promise<ConversationMessagePage> {
    return this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.conversationMessages, { ...query, phone });
  }

  @Post(':phone/messages')
  @HttpCode(202)
  @AcceptsIdempotencyKey()
  @ApiOperation({
    summary: 'Send an SMS to the number as the signed-in staff member (a reply or a first message)',
    description:
      "It goes through notification-dispatch's SMS path: segments, retries, delivery status and the notifications console (type `staff_message`).",
  })
  @ApiAcceptedResponse({ description: '`{id}`: the message (and its console row)' })
  @ApiUnprocessableEntityResponse({ description: 'The number is on the SMS stop list: nothing is sent' })
  send(
    @Param() { phone }: ConversationPhoneParamDto,
    @Body() { body }: SendConversationMessageDto,
    @Staff() staff: StaffPrincipal,
  ): Promise<{ id: string }> {
    const command: SendStaffMessageCommand = { phone, body, staff: { id: staff.id, name: staff.name, email: staff.email } };
    return this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.sendStaffMessage, command);
  }

  @Post(':phone/read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark the conversation read for the signed-in staff member (the others keep their own)' })
  @ApiNoContentResponse({ description: 'Marked' })
  async read(@Param() { phone }: ConversationPhoneParamDto, @Staff() staff: StaffPrincipal): Promise<void> {
    await this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.markConversationRead, { phone, staffId: staff.id });
  }
}

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('api/dashboard')
export class DashboardController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('recent-sms')
  @ApiOperation({ summary: 'The last 10 inbound SMS, newest first, from any number' })
  @ApiOkResponse({ description: '`{items: [{phone, customer?: {id, name}, body, at}]}`' })
  async recentSms(): Promise<{ items: RecentSmsView[] }> {
    return { items: await this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.recentInboundSms, { limit: RECENT_SMS }) };
  }
}
