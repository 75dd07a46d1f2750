import { Body, Controller, Get, Headers, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  CustomerView,
  EventView,
  INBOUND_REQUEST,
  MAX_RESPONSE_REASON_LENGTH,
  RecordedResponse,
  RecordResponseCommand,
  SCHEDULING_REQUEST,
  SenderSettingsView,
  SERVICE,
} from '@appointments/contracts';
import { pathAfterResponse, readResponseType, renderLandingPage, renderRescheduleConfirmationPage } from '@appointments/landing-page';
import { decideTransition } from '@appointments/domain';
import type { ResponseType } from '@appointments/domain';
import { RpcClient } from '@appointments/messaging';
import { PublicRoute } from '@appointments/observability';
import type { FastifyReply } from 'fastify';
import { LandingFormToken, isSameOriginPost, PostOriginHeaders } from './landing-form-token';
import { newNonce, redirectAfterPost, sendDownload, sendPage } from './landing-page-reply';
import { LandingRefusal, LandingRefusalFilter } from './landing-refusal.filter';
import { CSRF_FIELD_NAME, isPlausibleLandingToken, landingEvent, LandingQuery, landingView } from './landing-view-model';
import { landingCalendarFile } from './landing-calendar';
import { LandingViews } from './landing-views';

type FormBody = Record<string, string | string[] | undefined> | undefined;

/**
 * The customer pages behind the links in messages (`/m/:token`): no staff login, HTML for
 * people rather than an API (so not in the staff OpenAPI). Each route resolves the landing
 * token through notification-dispatch and asks the owning service; rendering is the
 * landing-page lib's, refusals become its error pages (LandingRefusalFilter). GET never
 * changes anything; answers are POSTs with the form token and a same-origin browser.
 */
@ApiExcludeController()
@PublicRoute()
@UseFilters(LandingRefusalFilter)
@Controller('m')
export class LandingController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly views: LandingViews,
    private readonly formTokens: LandingFormToken,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Query() query: LandingQuery, @Res() reply: FastifyReply): Promise<void> {
    const tokenView = await this.views.resolve(token);
    const event = await this.views.event(tokenView.eventId);
    const nonce = newNonce();
    const html = renderLandingPage(landingView({ token, nonce, csrfToken: this.formTokens.issue(token), tokenView, event, query }));
    sendPage(reply, 200, html, nonce);
  }

  @Get(':token/calendar.ics')
  async calendar(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    const tokenView = await this.views.resolve(token);
    const [event, sender, customer] = await Promise.all([
      this.views.event(tokenView.eventId),
      this.rpc.request<SenderSettingsView>(SERVICE.scheduling, SCHEDULING_REQUEST.getSenderSettings, {}),
      this.rpc.request<CustomerView>(SERVICE.scheduling, SCHEDULING_REQUEST.getCustomer, { id: tokenView.customerId }),
    ]);
    const invite = landingCalendarFile(event, sender, customer);
    sendDownload(reply, 'text/calendar; charset=utf-8', invite.filename, invite.content);
  }

  @Post(':token/:response')
  async answer(
    @Param('token') token: string,
    @Param('response') responseParam: string,
    @Body() body: FormBody,
    @Headers() headers: PostOriginHeaders,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!isPlausibleLandingToken(token)) throw new LandingRefusal('not_found', 'not a landing token');
    const response = readResponseType(responseParam);
    if (!response) throw new LandingRefusal('bad_form', `unknown answer "${responseParam}"`);
    if (!isSameOriginPost(headers)) throw new LandingRefusal('form_expired', 'the browser says the form was posted from another site');
    const form = body && typeof body === 'object' ? body : {};
    if (!this.formTokens.verify(token, form[CSRF_FIELD_NAME]))
      throw new LandingRefusal('form_expired', 'missing, wrong or expired form token');
    const reason = readReason(form.reason);
    if (reason === false)
      throw new LandingRefusal('bad_form', `the reason is not one text of at most ${MAX_RESPONSE_REASON_LENGTH} characters`);

    // Asked before recording so the customer gets the answer now: inbound-response records
    // answers and scheduling applies them asynchronously (and stays the authority: an answer
    // that loses a race with a cancellation is refused there and changes nothing).
    const tokenView = await this.views.resolve(token);
    const event = await this.views.event(tokenView.eventId, { fresh: true });
    const refusal = answerRefusal(event, response);
    if (refusal) throw new LandingRefusal(refusal, `the event is ${event.bookingStatus}; ${response} is not taken`);

    if (response === 'reschedule' && tokenView.config.requireRescheduleConfirmation && form.confirmed !== '1') {
      const nonce = newNonce();
      const html = renderRescheduleConfirmationPage({
        nonce,
        token,
        csrf: { name: CSRF_FIELD_NAME, value: this.formTokens.issue(token) },
        event: landingEvent(event),
        reason: reason ?? null,
        landing: tokenView.config.landing ?? null,
      });
      sendPage(reply, 200, html, nonce);
      return;
    }

    const command: RecordResponseCommand = { token, response, ...(reason && response !== 'accept' ? { reason } : {}) };
    await this.rpc.request<RecordedResponse>(SERVICE.inboundResponse, INBOUND_REQUEST.recordResponse, command);
    redirectAfterPost(reply, pathAfterResponse(token, response));
  }
}

/** Which error page an answer gets in the event's current status (the state machine's rule, as the page's forms follow it), or null when it may be recorded. */
export function answerRefusal(
  event: Pick<EventView, 'bookingStatus' | 'attendeeStatus' | 'notificationState'>,
  response: ResponseType,
): 'cancelled' | 'not_answerable' | null {
  if (event.bookingStatus === 'cancelled') return 'cancelled';
  return decideTransition(event, { kind: 'customer_responded', response }).allowed ? null : 'not_answerable';
}

/** The form's reason: trimmed, undefined when blank or absent, false when repeated, not text, or too long. */
export function readReason(value: string | string[] | undefined): string | undefined | false {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return false;
  const reason = value.replace(/\r\n/g, '\n').trim();
  if (reason.length > MAX_RESPONSE_REASON_LENGTH) return false;
  return reason === '' ? undefined : reason;
}
