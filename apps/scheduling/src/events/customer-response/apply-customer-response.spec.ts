import type { CustomerRespondedPayload, NotificationConfig } from '@appointments/contracts';
import { NotFound, type BookingStatus } from '@appointments/domain';
import type { DomainEventOutbox, NewDomainEvent } from '@appointments/messaging';
import pino from 'pino';
import type { EntityManager } from 'typeorm';
import type { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { InMemoryChatterEntriesRepository } from '../../persistence/chatter-entries.repository.fake';
import type { CustomerEntity } from '../../persistence/customer.entity';
import type { CustomersRepository } from '../../persistence/customers.repository';
import { InMemoryCustomersRepository } from '../../persistence/customers.repository.fake';
import type { EventEntity } from '../../persistence/event.entity';
import type { EventsRepository } from '../../persistence/events.repository';
import { InMemoryEventsRepository } from '../../persistence/events.repository.fake';
import type { OptedOutAddressesRepository } from '../../persistence/opted-out-addresses.repository';
import { InMemoryOptedOutAddressesRepository } from '../../persistence/opted-out-addresses.repository.fake';
import type { SenderSettingsRepository } from '../../persistence/sender-settings.repository';
import { InMemorySenderSettingsRepository } from '../../persistence/sender-settings.repository.fake';
import type { TemplateEntity } from '../../persistence/template.entity';
import type { TemplatesRepository } from '../../persistence/templates.repository';
import { InMemoryTemplatesRepository } from '../../persistence/templates.repository.fake';
import type { SchedulingConfig } from '../../scheduling.config';
import { SenderSettings } from '../../settings/sender-settings';
import { StopListCopy } from '../../stop-list/stop-list-copy';
import { EventLoader, LoadedEvent } from '../event-loader';
import { ApplyCustomerResponse, ResponseOutcome } from './apply-customer-response';

const RSVP: NotificationConfig = {
  key: 'rsvp',
  type: 'rsvp_request',
  channelMode: 'sms',
  smsBody: 'Reply 1 to confirm',
  buttons: { accept: true, decline: true, reschedule: true, viewDetails: false, addToCalendar: false },
};

function loadedEvent(id: string, bookingStatus: BookingStatus, notifyOnAccept = false): LoadedEvent {
  const attendeeStatus = bookingStatus === 'confirmed' ? 'accepted' : 'needs_action';
  const template = {
    id: 'tpl',
    name: 'Site visit',
    titlePattern: '[{status}] Site visit with {customerName}',
    customerTitle: 'Your Appointment',
    statusLabels: {},
    notificationConfigs: [RSVP],
    reminderTriggers: [],
    followers: { autoFollowOrganizer: true, notifyOnAccept, notifyOnDecline: true, notifyOnReschedule: false },
  } as unknown as TemplateEntity;
  const customer = { id: 'cust', name: 'Jane Doe', email: 'jane@example.com', phone: '+14155550100' } as CustomerEntity;
  const event = {
    id,
    customerId: 'cust',
    templateId: 'tpl',
    title: 'x',
    start: new Date('2026-03-09T13:00:00Z'),
    end: new Date('2026-03-09T14:00:00Z'),
    timeZone: 'America/New_York',
    location: '123 Main St',
    videoUrl: null,
    description: null,
    organizer: { name: 'Olga', email: 'olga@example.com' },
    bookingStatus,
    attendeeStatus,
    notificationState: 'in_sync',
    changedFields: [],
    declineReason: null,
    rescheduleReason: null,
    startVersion: 1,
    calendarSequence: 0,
    version: 3,
    createdAt: new Date('2026-03-01T10:00:00Z'),
    updatedAt: new Date('2026-03-01T10:00:00Z'),
  } as unknown as EventEntity;
  return { event, template, customer };
}

const SENDER_CONFIG = {
  MAIL_FROM_NAME: 'Acme',
  MAIL_FROM_EMAIL: 'appointments@example.com',
  MAIL_FROM_IMAGE_URL: undefined,
  VERIFIED_SENDER_DOMAINS: ['example.com'],
} as SchedulingConfig;

/**
 * The use case over in-memory repositories holding the events (with their customers and
 * templates); `applied` are chatter source ids written before, `stopped` phone numbers on the
 * stop list.
 */
function harness(loaded: LoadedEvent[], options: { applied?: string[]; stopped?: string[] } = {}) {
  const customers = new InMemoryCustomersRepository(loaded.map((item) => item.customer));
  const templates = new InMemoryTemplatesRepository(loaded.map((item) => item.template));
  const events = new InMemoryEventsRepository(
    customers,
    loaded.map((item) => item.event),
  );
  const chatter = new InMemoryChatterEntriesRepository(options.applied);
  const stopList = new StopListCopy(
    new InMemoryOptedOutAddressesRepository(
      (options.stopped ?? []).map((address) => ({ channel: 'sms' as const, address })),
    ) as unknown as OptedOutAddressesRepository,
  );
  const sender = new SenderSettings(SENDER_CONFIG, new InMemorySenderSettingsRepository() as unknown as SenderSettingsRepository);
  const loader = new EventLoader(
    events as unknown as EventsRepository,
    templates as unknown as TemplatesRepository,
    customers as unknown as CustomersRepository,
  );
  const published: NewDomainEvent[] = [];
  const outbox = { add: async (_manager: EntityManager, list: NewDomainEvent[]) => void published.push(...list) };
  const useCase = new ApplyCustomerResponse(
    loader,
    events as unknown as EventsRepository,
    chatter as unknown as ChatterEntriesRepository,
    stopList,
    sender,
    outbox as unknown as DomainEventOutbox,
    pino({ level: 'silent' }),
  );
  const run = (responses: CustomerRespondedPayload[]): Promise<ResponseOutcome[]> => useCase.execute(responses, {} as EntityManager);
  /** The event as stored now: what the next read (another service's, the console's) sees. */
  const stored = (id: string) => {
    const { bookingStatus, declineReason, version } = events.stored(id)!;
    return { id, bookingStatus, declineReason, version };
  };
  return { run, chatter: chatter.entries, published, events, stored };
}

let counter = 0;
function response(eventId: string, overrides: Partial<CustomerRespondedPayload> = {}): CustomerRespondedPayload {
  counter += 1;
  return {
    responseId: `resp-${counter}`,
    eventId,
    customerId: 'cust',
    response: 'accept',
    reason: null,
    channel: 'sms_reply',
    notificationId: 'n-1',
    configKey: 'rsvp',
    respondedAt: '2026-03-08T13:00:00Z',
    from: null,
    autoReply: null,
    inboundMessage: null,
    ...overrides,
  };
}

const types = (events: NewDomainEvent[]) =>
  events.map((event) => `${event.type}${event.type === 'NotificationRequested' ? `:${(event.payload as any).type}` : ''}`);

describe('ApplyCustomerResponse: a list of responses decided in order', () => {
  it('applies answers to different events with one status write for all, one chatter write and one publish', async () => {
    const { run, chatter, published, events, stored } = harness([loadedEvent('e1', 'invited'), loadedEvent('e2', 'invited')]);
    const outcomes = await run([response('e1'), response('e2', { response: 'decline', reason: '  too far ' })]);
    expect(outcomes).toEqual(['applied', 'applied']);
    expect([stored('e1'), stored('e2')]).toEqual([
      { id: 'e1', bookingStatus: 'confirmed', declineReason: null, version: 4 },
      { id: 'e2', bookingStatus: 'declined', declineReason: 'too far', version: 4 },
    ]);
    expect(events.statusWrites).toEqual([['e1', 'e2']]);
    expect(chatter.map((entry) => `${entry.eventId}:${entry.kind}`)).toEqual([
      'e1:customer_responded',
      'e1:status_changed',
      'e2:customer_responded',
      'e2:status_changed',
    ]);
    // The decline notifies the organizer (notifyOnDecline); the accept does not (notifyOnAccept off).
    expect(types(published)).toEqual(['ResponseApplied', 'ResponseApplied', 'NotificationRequested:internal']);
  });

  it.each<[string, CustomerRespondedPayload['response'][], ResponseOutcome[], string, number]>([
    ['accept then decline: the decline sees the accepted event', ['accept', 'decline'], ['applied', 'applied'], 'declined', 5],
    ['accept twice (a double tap): the second changes nothing', ['accept', 'accept'], ['applied', 'unchanged'], 'confirmed', 4],
    ['decline, reschedule, accept', ['decline', 'reschedule', 'accept'], ['applied', 'applied', 'applied'], 'confirmed', 6],
  ])('two or more answers to one event in a batch: %s', async (_case, answers, expected, finalStatus, finalVersion) => {
    const { run, events, stored } = harness([loadedEvent('e1', 'invited')]);
    expect(await run(answers.map((answer) => response('e1', { response: answer })))).toEqual(expected);
    expect(stored('e1')).toMatchObject({ bookingStatus: finalStatus, version: finalVersion });
    expect(events.statusWrites).toEqual([['e1']]);
  });

  it('the follow-ups of each answer describe the event as that answer left it', async () => {
    const { run, published } = harness([loadedEvent('e1', 'invited')]);
    await run([response('e1', { response: 'decline' }), response('e1', { response: 'accept' })]);
    const applied = published.filter((event) => event.type === 'ResponseApplied').map((event) => event.payload as any);
    expect(applied.map((payload) => payload.bookingStatus)).toEqual(['declined', 'confirmed']);
    expect(applied[0].title).not.toBe(applied[1].title);
    // The organizer is told about the decline (notifyOnDecline), with the title the decline gave the event.
    const follower = published.find((event) => event.type === 'NotificationRequested')!;
    expect((follower.payload as any).event.title).toBe(applied[0].title);
  });

  it('skips a response applied before, and the same response twice in one batch, whole', async () => {
    const repeated = response('e1', { autoReply: 'Thanks!', from: '+14155550100' });
    const { run, chatter, published } = harness([loadedEvent('e1', 'invited')], { applied: ['response:earlier'] });
    const outcomes = await run([response('e1', { responseId: 'earlier' }), repeated, { ...repeated }]);
    expect(outcomes).toEqual(['already_applied', 'applied', 'already_applied']);
    expect(chatter.filter((entry) => entry.kind === 'customer_responded')).toHaveLength(1);
    expect(types(published)).toEqual(['ResponseApplied', 'NotificationRequested:auto_reply']);
  });

  it('refuses an answer to a cancelled event with a chatter entry, and still applies the others', async () => {
    const { run, chatter, events, stored, published } = harness([loadedEvent('e1', 'cancelled'), loadedEvent('e2', 'invited')]);
    expect(await run([response('e1'), response('e2')])).toEqual(['refused', 'applied']);
    expect(chatter.map((entry) => `${entry.eventId}:${entry.kind}`)).toEqual([
      'e1:response_refused',
      'e2:customer_responded',
      'e2:status_changed',
    ]);
    expect(events.statusWrites).toEqual([['e2']]);
    expect(stored('e1')).toMatchObject({ bookingStatus: 'cancelled', version: 3 });
    expect(types(published)).toEqual(['ResponseApplied']);
  });

  it('sends the auto-reply of an unchanged answer, and a skipped one to a stopped number', async () => {
    const { run, published } = harness([loadedEvent('e1', 'confirmed'), loadedEvent('e2', 'invited')], { stopped: ['+14155550199'] });
    const outcomes = await run([
      response('e1', { autoReply: ' See you! ', from: '+14155550100' }),
      response('e2', { autoReply: 'See you!', from: '+14155550199' }),
    ]);
    expect(outcomes).toEqual(['unchanged', 'applied']);
    const replies = published.filter((event) => event.type === 'NotificationRequested').map((event) => event.payload as any);
    expect(replies.map((reply) => [reply.recipient.phone, reply.config.smsBody, reply.notifications.length, reply.skipped.length])).toEqual(
      [
        ['+14155550100', 'See you!', 1, 0],
        ['+14155550199', 'See you!', 0, 1],
      ],
    );
  });

  it('the auto-reply of an unchanged answer shows the event as that answer found it, not as a later answer left it', async () => {
    const { run, published } = harness([loadedEvent('e1', 'confirmed')]);
    const outcomes = await run([response('e1', { autoReply: 'See you!', from: '+14155550100' }), response('e1', { response: 'decline' })]);
    expect(outcomes).toEqual(['unchanged', 'applied']);
    const reply = published.find((event) => event.type === 'NotificationRequested' && (event.payload as any).type === 'auto_reply')!;
    const applied = published.find((event) => event.type === 'ResponseApplied')!;
    expect((applied.payload as any).title).toMatch(/DECLINED/i);
    expect((reply.payload as any).event.title).toBe('x'); // the title as stored, untouched by the unchanged answer
  });

  it('throws NotFound for a batch with a missing event, so the transport handles each message alone', async () => {
    const { run, chatter, events, stored } = harness([loadedEvent('e1', 'invited')]);
    await expect(run([response('e1'), response('gone')])).rejects.toBeInstanceOf(NotFound);
    expect(chatter).toEqual([]);
    expect(events.statusWrites).toEqual([]);
    expect(stored('e1')).toMatchObject({ bookingStatus: 'invited', version: 3 });
  });
});
