import { eventually, isolatedEnvironment } from '@appointments/testing';
import { randomBytes, randomInt } from 'node:crypto';
import ICAL from 'ical.js';
import twilio from 'twilio';
import { freePort, Stack, startStack, UnexpectedExit } from '../../../tools/stack/src/stack';
import {
  ApiResponse,
  LogLine,
  logCollector,
  NO_BUTTONS,
  Platform,
  platformEnv,
  platformOver,
  removeEnvironment,
  SERVICES,
  StaffApi,
} from './platform';

/**
 * Helpers for the notification end-to-end tests: building templates with one notification
 * config per type, creating a customer/template/event per test, and reading what a user
 * sees (the event, its chatter, the notifications console, the dev outbox, the .ics).
 */

export const EVENT_START = '2027-01-15T14:00:00-05:00';
export const EVENT_END = '2027-01-15T15:30:00-05:00';

export type Buttons = typeof NO_BUTTONS;
export const ACCEPT_DECLINE = { ...NO_BUTTONS, accept: true, decline: true };

/** A notification config of one type; `key` defaults to the type. */
export function notificationConfig(type: string, overrides: Record<string, unknown> = {}) {
  return {
    key: type,
    type,
    channelMode: 'follow_preference',
    emailSubject: `${type}: {{customerTitle}} on {{date}}`,
    emailBody: `<p>Hello {{customerName}}, ${type} for {{date}} at {{time}} ({{timeZone}}) at {{location}}.</p>`,
    smsBody: `Hi {{customerName}}, ${type} for {{date}} at {{time}}.`,
    buttons: NO_BUTTONS,
    ...overrides,
  };
}

/** One config for each of the five customer notification types, all with `channelMode` and no buttons. */
export function everyType(channelMode = 'follow_preference', overrides: Record<string, Record<string, unknown>> = {}) {
  return ['confirmation', 'rsvp_request', 'reminder', 'update', 'cancellation'].map((type) =>
    notificationConfig(type, { channelMode, ...overrides[type] }),
  );
}

let sequence = 0;
const usedPhones = new Set<string>();

export function uniqueEmail(label = 'customer'): string {
  sequence += 1;
  return `${label}.${Date.now().toString(36)}.${sequence}.${randomBytes(3).toString('hex')}@example.com`;
}

/** A valid US mobile number in E.164 (415, exchange 200-999), never the same twice in one run. */
export function uniquePhone(): string {
  for (;;) {
    const phone = `+1415${randomInt(200, 1000)}${String(randomInt(0, 10_000)).padStart(4, '0')}`;
    if (!usedPhones.has(phone)) {
      usedPhones.add(phone);
      return phone;
    }
  }
}

export interface Scenario {
  customer: any;
  template: any;
  event: any;
}

export interface ScenarioOptions {
  /** Customer fields; by default a unique email and phone and no preference. `null` leaves a field out. */
  customer?: Record<string, unknown>;
  configs?: Record<string, unknown>[];
  template?: Record<string, unknown>;
  event?: Record<string, unknown>;
}

/** A customer, a template with the given configs (every type by default) and a draft event, each new. */
export async function createScenario(api: StaffApi, options: ScenarioOptions = {}): Promise<Scenario> {
  const customerBody: Record<string, unknown> = { name: 'Ann Lee', email: uniqueEmail(), phone: uniquePhone(), ...options.customer };
  for (const [key, value] of Object.entries(customerBody)) if (value === null) delete customerBody[key];
  const customer = await api.post('/api/customers', customerBody);
  expectStatus(customer, 201, 'POST /api/customers');
  const template = await api.post('/api/templates', {
    name: 'Consultation',
    titlePattern: '[{status}] Consultation with {customerName}',
    customerTitle: 'Your Appointment with Acme',
    notificationConfigs: options.configs ?? everyType(),
    ...options.template,
  });
  expectStatus(template, 201, 'POST /api/templates');
  const event = await api.post('/api/events', {
    customerId: customer.body.id,
    templateId: template.body.id,
    start: EVENT_START,
    end: EVENT_END,
    timeZone: 'America/New_York',
    location: '123 Main St',
    ...options.event,
  });
  expectStatus(event, 201, 'POST /api/events');
  return { customer: customer.body, template: template.body, event: event.body };
}

/** Fails with the whole answer in the message, which says more than "expected 201, got 500". */
export function expectStatus(response: ApiResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
}

export function send(api: StaffApi, eventId: string, body: Record<string, unknown>) {
  return api.post(`/api/events/${eventId}/notifications`, body);
}

export function preview(api: StaffApi, eventId: string, body: Record<string, unknown>) {
  return api.post(`/api/events/${eventId}/notifications/preview`, body);
}

export async function getEvent(api: StaffApi, eventId: string) {
  const response = await api.get(`/api/events/${eventId}`);
  expectStatus(response, 200, `GET /api/events/${eventId}`);
  return response.body;
}

export async function chatter(api: StaffApi, eventId: string): Promise<{ kind: string; body: string; data: any }[]> {
  const response = await api.get(`/api/events/${eventId}/chatter`);
  expectStatus(response, 200, 'GET chatter');
  return response.body;
}

/** The console rows of an event, newest first. */
export async function consoleRows(api: StaffApi, eventId: string, filters: Record<string, string> = {}): Promise<any[]> {
  const query = new URLSearchParams({ eventId, ...filters });
  const response = await api.get(`/api/notifications?${query}`);
  expectStatus(response, 200, 'GET /api/notifications');
  return response.body.items;
}

/** Waits until the event has at least `count` console rows and none is still pending. */
export function settledRows(api: StaffApi, eventId: string, count: number, filters: Record<string, string> = {}): Promise<any[]> {
  return eventually(
    () => consoleRows(api, eventId, filters),
    (rows) => rows.length >= count && rows.every((row) => row.status !== 'pending'),
    { what: `${count} settled console row(s) of event ${eventId} ${JSON.stringify(filters)}`, timeoutMs: 15_000 },
  );
}

/** Waits until one console row (by notification id) satisfies `accept`. */
export function rowWhere(
  api: StaffApi,
  eventId: string,
  notificationId: string,
  accept: (row: any) => boolean,
  what: string,
): Promise<any> {
  return eventually(
    async () => (await consoleRows(api, eventId)).find((row) => row.id === notificationId),
    (row) => Boolean(row) && accept(row),
    { what, timeoutMs: 15_000 },
  );
}

/** The dev outbox for one address, newest first. */
export async function outbox(api: StaffApi, to: string, channel?: 'email' | 'sms'): Promise<any[]> {
  const query = new URLSearchParams({ to, ...(channel ? { channel } : {}) });
  const response = await api.get(`/api/dev/outbox?${query}`);
  expectStatus(response, 200, 'GET /api/dev/outbox');
  return response.body;
}

/** Waits until the dev outbox holds at least `count` messages for `to`; answers them newest first. */
export function outboxHas(api: StaffApi, to: string, count: number, channel?: 'email' | 'sms'): Promise<any[]> {
  return eventually(
    () => outbox(api, to, channel),
    (messages) => messages.length >= count,
    { what: `${count} message(s) in the dev outbox for ${to}`, timeoutMs: 15_000 },
  );
}

/** The dev outbox message of one notification. */
export async function outboxMessage(api: StaffApi, to: string, notificationId: string): Promise<any> {
  const messages = await eventually(
    () => outbox(api, to),
    (all) => all.some((message) => message.notificationId === notificationId),
    { what: `notification ${notificationId} in the dev outbox for ${to}`, timeoutMs: 15_000 },
  );
  return messages.find((message) => message.notificationId === notificationId);
}

export interface ParsedInvite {
  contentType: string;
  /** The `method=` parameter of the attachment's content type. */
  contentTypeMethod: string | null;
  method: string;
  uid: string;
  sequence: number;
  status: string | null;
  dtstart: Date;
  dtend: Date | null;
  raw: string;
}

/** Reads an email's .ics attachment with ical.js, as a calendar client would. */
export function readInvite(message: { attachments: { filename: string; contentType: string; content: string }[] }): ParsedInvite {
  const attachment = message.attachments.find(
    (candidate) => /text\/calendar/i.test(candidate.contentType) || /\.ics$/i.test(candidate.filename),
  );
  if (!attachment) throw new Error(`no .ics attachment among ${JSON.stringify(message.attachments.map((a) => a.filename))}`);
  const raw = Buffer.from(attachment.content, 'base64').toString('utf8');
  const calendar = new ICAL.Component(ICAL.parse(raw));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error(`no VEVENT in ${raw}`);
  const time = (name: string) => {
    const value = vevent.getFirstPropertyValue(name) as any;
    return value ? (value.toJSDate() as Date) : null;
  };
  const status = vevent.getFirstPropertyValue('status');
  return {
    contentType: attachment.contentType,
    contentTypeMethod: /method=([A-Za-z-]+)/i.exec(attachment.contentType)?.[1] ?? null,
    method: String(calendar.getFirstPropertyValue('method')),
    uid: String(vevent.getFirstPropertyValue('uid')),
    sequence: Number(vevent.getFirstPropertyValue('sequence') ?? 0),
    status: status === null ? null : String(status),
    dtstart: time('dtstart')!,
    dtend: time('dtend'),
    raw,
  };
}

/** The landing tokens of the `/m/<token>` links in a text. */
export function landingTokensIn(text: string | null | undefined): string[] {
  return [...(text ?? '').matchAll(/\/m\/([A-Za-z0-9_-]+)/g)].map((match) => match[1]);
}

/** Every `href` of an HTML document, entities decoded the way a browser would for `&amp;`. */
export function hrefs(html: string): string[] {
  return [...html.matchAll(/href\s*=\s*"([^"]*)"/gi)].map((match) => match[1].replace(/&amp;/g, '&'));
}

/** The gateway's public URL as the services put it in links (`PUBLIC_BASE_URL`). */
export function publicBaseUrl(platform: Platform): string {
  const gateway = platform.stack.services.find((service) => service.spec.name === 'gateway')!;
  return `http://localhost:${gateway.port}`;
}

/** Twilio message SID: SM and 32 hex digits. */
export function messageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** Posts a form to an inbound-response webhook the way Twilio does, signed over `publicUrl` unless a signature is given. */
export async function postTwilioForm(
  platform: Platform,
  pathAndQuery: string,
  fields: Record<string, string>,
  options: { authToken: string; publicBaseUrl: string; signature?: string },
): Promise<{ status: number; text: string }> {
  const signature =
    options.signature ?? twilio.getExpectedTwilioSignature(options.authToken, `${options.publicBaseUrl}${pathAndQuery}`, fields);
  const response = await fetch(`${platform.stack.url('inbound-response')}${pathAndQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

/** Posts a SendGrid event webhook batch (unsigned: no verification key is configured). */
export async function postSendGridEvents(platform: Platform, events: Record<string, unknown>[]): Promise<{ status: number; text: string }> {
  const response = await fetch(`${platform.stack.url('inbound-response')}/webhooks/sendgrid/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, text: await response.text() };
}

const OTHER_SERVICES = SERVICES.filter((service) => service !== 'inbound-response');

/**
 * Like `startPlatform`, but with settings only inbound-response gets. Needed for
 * `TWILIO_AUTH_TOKEN`: notification-dispatch reads the same variable and refuses to start
 * unless `TWILIO_ACCOUNT_SID` and `TWILIO_FROM` come with it (it would then send through
 * the real Twilio instead of the local sink). inbound-response runs on a port picked here
 * so that `PUBLIC_WEBHOOK_BASE_URL` can be its real URL.
 */
export async function startPlatformWithInboundEnv(
  label: string,
  inboundEnv: (inboundUrl: string) => Record<string, string>,
): Promise<Platform & { inboundPublicUrl: string }> {
  const environment = isolatedEnvironment(label);
  const logs: LogLine[] = [];
  const crashes: UnexpectedExit[] = [];
  const onLine = logCollector(logs);
  const onUnexpectedExit = (exit: UnexpectedExit) => crashes.push(exit);
  const env = platformEnv(environment);
  const inboundPort = await freePort();
  const inboundPublicUrl = `http://127.0.0.1:${inboundPort}`;
  const inbound = await startStack({
    only: ['inbound-response'],
    env: { ...env, INBOUND_PORT: String(inboundPort), ...inboundEnv(inboundPublicUrl) },
    onLine,
    onUnexpectedExit,
  });
  let others: Stack;
  try {
    others = await startStack({ freePorts: true, only: OTHER_SERVICES, env, onLine, onUnexpectedExit });
  } catch (error) {
    await inbound.stop();
    await removeEnvironment(environment);
    throw error;
  }
  const platform = await platformOver(new Stack([...inbound.services, ...others.services]), environment, logs, crashes);
  return { ...platform, inboundPublicUrl };
}
