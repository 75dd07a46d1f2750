import {
  BadGatewayException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CustomerView,
  DISPATCH_REQUEST,
  PhoneMessageView,
  PhoneParamDto,
  PhoneReplyDto,
  PhoneThreadView,
  RecordPhoneReplyCommand,
  SCHEDULING_REQUEST,
  SERVICE,
} from '@appointments/contracts';
import { RpcClient } from '@appointments/messaging';
import { AdminOnly, LOGGER } from '@appointments/observability';
import type { Logger } from 'pino';
import { GatewayConfig } from '../gateway.config';
import { newMessageSid, twilioSignature, twimlMessage } from './twilio-request';

/** Inbound-response's webhook for SMS, as Twilio calls it. */
const SMS_WEBHOOK_PATH = '/webhooks/twilio/sms';
/** Twilio's magic test number: our number when TWILIO_FROM is not one. */
const DEFAULT_OUR_NUMBER = '+15005550006';
/** The account SID of a simulated reply (no account: the local sink). */
const SIMULATED_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

/**
 * The phone simulator (admins, local SMS sink, outside production; 404 otherwise): each number
 * the sink sent an SMS to, its conversation, and replies typed as if on that phone. A reply goes
 * the way a real one would: a Twilio-style form, signed with `TWILIO_AUTH_TOKEN` over
 * `PUBLIC_WEBHOOK_BASE_URL`, posted to inbound-response's `POST /webhooks/twilio/sms`. The
 * conversation is kept by notification-dispatch's sink (`dev_outbox`): what it sent, the replies,
 * and the TwiML answers. See docs/staff-web.md.
 */
@ApiTags('dev')
@ApiBearerAuth()
@AdminOnly()
@Controller('api/dev/phone/threads')
export class DevPhoneController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The numbers the local SMS sink sent to, latest first, with their last message (admins; local sink only)' })
  @ApiOkResponse({ description: '`{items: [{phone, customer?: {id, name}, lastMessage: {direction, body, at}}]}`' })
  @ApiNotFoundResponse({ description: 'SMS go through Twilio, or this is production' })
  async threads(): Promise<{ items: PhoneThreadView[] }> {
    this.refuseInProduction();
    const threads = await this.rpc.request<PhoneThreadView[]>(SERVICE.notificationDispatch, DISPATCH_REQUEST.listPhoneThreads, {});
    const customers = await Promise.all(threads.map((thread) => this.customerWithPhone(thread.phone)));
    return { items: threads.map((thread, index) => ({ ...thread, ...(customers[index] ? { customer: customers[index] } : {}) })) };
  }

  @Get(':phone')
  @ApiOperation({ summary: "One number's SMS both ways, oldest first (admins; local sink only)" })
  @ApiOkResponse({ description: '`{items: [{direction: "outbound"|"inbound", body, at}]}`' })
  @ApiNotFoundResponse({ description: 'SMS go through Twilio, or this is production' })
  async thread(@Param() { phone }: PhoneParamDto): Promise<{ items: PhoneMessageView[] }> {
    this.refuseInProduction();
    return { items: await this.rpc.request<PhoneMessageView[]>(SERVICE.notificationDispatch, DISPATCH_REQUEST.getPhoneThread, { phone }) };
  }

  @Post(':phone/replies')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Reply from the phone: a signed Twilio-style SMS webhook to inbound-response, as Twilio would post it (admins; local sink only)',
    description: 'Answers the MessageSid made up for it and the text of the TwiML answer, when there is one.',
  })
  @ApiAcceptedResponse({ description: '`{messageSid, reply?}`' })
  @ApiNotFoundResponse({ description: 'SMS go through Twilio, or this is production' })
  async reply(@Param() { phone }: PhoneParamDto, @Body() { body }: PhoneReplyDto): Promise<{ messageSid: string; reply?: string }> {
    this.refuseInProduction();
    await this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.phoneSimulatorStatus, {});
    const token = this.config.TWILIO_AUTH_TOKEN;
    if (!token) {
      throw new ServiceUnavailableException(
        'The phone simulator cannot sign replies: set TWILIO_AUTH_TOKEN (the same for the gateway and inbound-response; npm start makes one)',
      );
    }
    const to = this.ourNumber();
    const messageSid = newMessageSid();
    const fields = {
      MessageSid: messageSid,
      SmsSid: messageSid,
      AccountSid: SIMULATED_ACCOUNT_SID,
      From: phone,
      To: to,
      Body: body,
      NumMedia: '0',
    };
    const signature = twilioSignature(token, `${this.config.PUBLIC_WEBHOOK_BASE_URL.replace(/\/+$/, '')}${SMS_WEBHOOK_PATH}`, fields);
    let status: number;
    let twiml: string;
    try {
      const response = await fetch(`${this.config.INBOUND_RESPONSE_URL.replace(/\/+$/, '')}${SMS_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(fields).toString(),
        signal: AbortSignal.timeout(15_000),
      });
      status = response.status;
      twiml = await response.text();
    } catch (error) {
      this.logger.warn({ err: error, url: this.config.INBOUND_RESPONSE_URL }, 'phone simulator: inbound-response is not reachable');
      throw new BadGatewayException(`inbound-response is not reachable at ${this.config.INBOUND_RESPONSE_URL} (INBOUND_RESPONSE_URL)`);
    }
    if (status === 403) {
      throw new BadGatewayException(
        'inbound-response refused the signature: give the gateway and inbound-response the same TWILIO_AUTH_TOKEN and PUBLIC_WEBHOOK_BASE_URL',
      );
    }
    if (status < 200 || status >= 300) throw new BadGatewayException(`inbound-response answered ${status} to the reply`);
    const reply = twimlMessage(twiml);
    const record: RecordPhoneReplyCommand = { phone, to, body, messageSid, reply };
    await this.rpc.request(SERVICE.notificationDispatch, DISPATCH_REQUEST.recordPhoneReply, record);
    return { messageSid, ...(reply !== null ? { reply } : {}) };
  }

  private refuseInProduction(): void {
    if (this.config.NODE_ENV === 'production') throw new NotFoundException('The phone simulator does not exist in production');
  }

  private ourNumber(): string {
    const from = this.config.TWILIO_FROM;
    return from && /^\+[1-9]\d{6,14}$/.test(from) ? from : DEFAULT_OUR_NUMBER;
  }

  /** The customer whose phone this is (scheduling's customer search by digits, then the exact number), or none. */
  private async customerWithPhone(phone: string): Promise<{ id: string; name: string } | undefined> {
    const found = await this.rpc.request<CustomerView[]>(SERVICE.scheduling, SCHEDULING_REQUEST.listCustomers, { search: phone });
    const customer = found.find((candidate) => candidate.phone === phone);
    return customer ? { id: customer.id, name: customer.name } : undefined;
  }
}
