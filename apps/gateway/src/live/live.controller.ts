import { Controller, Get, Headers, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '../auth/staff-auth.guard';
import { LiveEvents } from './live-events';
import { LiveConnection } from './live-stream';

/** A client that lets this much pile up unread is cut off (it reconnects and resyncs). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

@ApiTags('live')
@ApiBearerAuth()
@Controller('api/live')
export class LiveController {
  constructor(private readonly live: LiveEvents) {}

  @Get()
  @ApiOperation({
    summary: 'Server-sent events for signed-in staff (Bearer token or the staff web app session)',
    description:
      'Events `event_changed` `{eventId, type}`, `notification_status` `{notificationId, eventId?, status}`, `inbound_sms` `{phone, body, at}`, ' +
      'and `resync` `{}` (reload: events may have been missed). Each message has an id `<replicaId>.<seq>`; reconnecting with ' +
      '`Last-Event-ID` replays what this replica still holds (its last 1,000 messages), otherwise sends one `resync`. ' +
      '`retry: 2000`, a comment line every 15 s.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  @ApiUnauthorizedResponse({ description: 'Not signed in' })
  open(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Headers('last-event-id') lastEventId?: string): void {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    const connection: LiveConnection = {
      write: (frame) => {
        if (response.destroyed) return;
        if (response.writableLength > MAX_BUFFERED_BYTES) {
          response.destroy();
          return;
        }
        response.write(frame);
      },
      end: () => response.end(),
    };
    this.live.stream.connect(connection, lastEventId);
    // A stream lasts as long as the session that opened it: then it ends, and the browser's reconnect (with
    // Last-Event-ID, so nothing is lost) is checked again: a session that expired or was revoked gets its 401.
    const expiresAt = Date.parse(request.staffSessionExpiresAt ?? '');
    const sessionEnd = setTimeout(() => response.end(), Number.isNaN(expiresAt) ? 0 : Math.max(0, expiresAt - Date.now()));
    // The response's close: the client went away, or the stream was ended (not the request's, which closes once it is read).
    response.once('close', () => {
      clearTimeout(sessionEnd);
      this.live.stream.disconnect(connection);
    });
  }
}
