import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ConversationMessagePage,
  ConversationMessagesQuery,
  ConversationPage,
  DISPATCH_REQUEST,
  ListConversationsQuery,
  MarkConversationReadCommand,
  RecentSmsView,
  SendStaffMessageCommand,
} from '@appointments/contracts';
import { currentCorrelationId } from '@appointments/observability';
import { DispatchConfig } from '../dispatch.config';
import { ConversationsRepository, type ConversationMessageRow } from '../persistence/conversations.repository';
import {
  conversationSearch,
  decodeConversationCursor,
  decodeMessageCursor,
  DEFAULT_CONVERSATION_PAGE,
  DEFAULT_MESSAGE_PAGE,
  encodeCursor,
  retentionHorizon,
  windowStart,
} from './conversation-rules';
import { SendStaffMessage } from './send-staff-message';

/** The conversations' requests from the gateway (api.md, "Conversations"; docs/conversations.md). */
@Controller()
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly sendStaffMessage: SendStaffMessage,
    private readonly config: DispatchConfig,
  ) {}

  @MessagePattern(DISPATCH_REQUEST.listConversations)
  async list(@Payload() query: ListConversationsQuery): Promise<ConversationPage> {
    const limit = query.limit ?? DEFAULT_CONVERSATION_PAGE;
    const { rows, more } = await this.conversations.list({
      staffId: query.staffId,
      search: conversationSearch(query.search),
      unreadOnly: query.unread === true,
      after: query.cursor ? decodeConversationCursor(query.cursor) : null,
      limit,
    });
    const last = rows.at(-1);
    return {
      items: rows.map((row) => ({
        phone: row.phone,
        ...(row.customerId && row.customerName ? { customer: { id: row.customerId, name: row.customerName } } : {}),
        lastMessage: { direction: row.lastDirection, body: row.lastBody, at: row.lastAt.toISOString() },
        unread: row.unread,
      })),
      nextCursor: more && last ? encodeCursor({ unread: last.hasUnread, at: last.sortAt.toISOString(), phone: last.phone }) : null,
    };
  }

  @MessagePattern(DISPATCH_REQUEST.conversationMessages)
  async messages(@Payload() query: ConversationMessagesQuery): Promise<ConversationMessagePage> {
    const before = query.before ? decodeMessageCursor(query.before) : null;
    const now = new Date();
    const since = before ? null : windowStart(now);
    const { rows, older } = await this.conversations.messages(query.phone, {
      before,
      since,
      limit: query.limit ?? DEFAULT_MESSAGE_PAGE,
      // The outbound notifications are the console's rows, which the retention does not purge.
      keptSince: retentionHorizon(now, this.config.CONVERSATION_RETENTION_DAYS),
    });
    const oldest = rows.at(-1);
    // Nothing in the window but older messages: the cursor starts at the window's edge.
    const next = oldest ? { at: oldest.at.toISOString(), id: oldest.id } : since ? { at: since.toISOString(), id: MAX_UUID } : null;
    return { items: rows.reverse().map(messageView), nextCursor: older && next ? encodeCursor(next) : null };
  }

  @MessagePattern(DISPATCH_REQUEST.sendStaffMessage)
  send(@Payload() command: SendStaffMessageCommand): Promise<{ id: string }> {
    return this.sendStaffMessage.execute(command, currentCorrelationId());
  }

  @MessagePattern(DISPATCH_REQUEST.markConversationRead)
  async markRead(@Payload() command: MarkConversationReadCommand): Promise<{ read: true }> {
    await this.conversations.markRead(command.staffId, command.phone);
    return { read: true };
  }

  @MessagePattern(DISPATCH_REQUEST.recentInboundSms)
  async recent(@Payload() query: { limit?: number }): Promise<RecentSmsView[]> {
    const rows = await this.conversations.recentInbound(Math.min(Math.max(query.limit ?? 10, 1), 100));
    return rows.map((row) => ({
      phone: row.phone,
      ...(row.customerId && row.customerName ? { customer: { id: row.customerId, name: row.customerName } } : {}),
      body: row.body,
      at: row.at.toISOString(),
    }));
  }
}

const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

function messageView(row: ConversationMessageRow) {
  return {
    id: row.id,
    direction: row.direction,
    body: row.body,
    at: row.at.toISOString(),
    source: row.source,
    status: row.status,
    ...(row.staffId ? { staffId: row.staffId } : {}),
  };
}
