import type { NotificationConfig, ReminderReleaseCheck, ReminderSendRef } from '@appointments/contracts';
import type { BookingStatus } from '@appointments/domain';
import type { EntityManager } from 'typeorm';
import type { ChatterEntriesRepository } from '../../persistence/chatter-entries.repository';
import { InMemoryChatterEntriesRepository } from '../../persistence/chatter-entries.repository.fake';
import type { CustomerEntity } from '../../persistence/customer.entity';
import type { CustomersRepository } from '../../persistence/customers.repository';
import { InMemoryCustomersRepository } from '../../persistence/customers.repository.fake';
import { EventEntity as EventEntityClass } from '../../persistence/event.entity';
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
import { NotificationPlanner } from '../notification-plan';
import { StartMoved } from '../send-notification/start-moved';
import { AcceptReminders } from './accept-reminders';
import { CheckReminderReleases } from './check-reminder-releases';
import type { ReminderToStage } from './reminder-request';
import { StageReminders } from './stage-reminders';

const BUTTONS = (on: boolean) => ({ accept: on, decline: on, reschedule: false, viewDetails: false, addToCalendar: false });
const config = (key: string, withButtons: boolean): NotificationConfig => ({
  key,
  type: 'reminder',
  channelMode: 'email',
  emailSubject: 'Reminder: {{date}} at {{time}}',
  emailBody: '<p>See you</p>',
  smsBody: 'See you',
  buttons: BUTTONS(withButtons),
});

function loadedEvent(id: string, bookingStatus: BookingStatus, startVersion = 1): LoadedEvent {
  const template = {
    id: 'tpl',
    name: 'Site visit',
    titlePattern: '[{status}] Site visit with {customerName}',
    customerTitle: 'Your Appointment with Acme',
    statusLabels: {},
    updatedAt: new Date('2026-03-01T09:00:00Z'),
    notificationConfigs: [config('with-buttons', true), config('plain', false)],
    reminderTriggers: [{ configKey: 'with-buttons', offsetMinutes: 1440 }],
  } as unknown as TemplateEntity;
  const customer = {
    id: `cust-${id}`,
    name: 'Jane Doe',
    email: 'jane@example.com',
    phone: null,
    preferredConfirmationMethod: null,
    createdAt: new Date('2026-03-01T09:00:00Z'),
    updatedAt: new Date('2026-03-01T09:00:00Z'),
  } as CustomerEntity;
  const event = {
    id,
    customerId: `cust-${id}`,
    templateId: 'tpl',
    title: `[${bookingStatus.toUpperCase()}] Site visit with Jane Doe`,
    start: new Date('2026-03-09T13:00:00Z'),
    end: new Date('2026-03-09T14:00:00Z'),
    timeZone: 'America/New_York',
    location: '123 Main St',
    videoUrl: null,
    description: null,
    organizer: { name: 'Olga' },
    bookingStatus,
    attendeeStatus: 'needs_action',
    notificationState: 'in_sync',
    changedFields: [],
    startVersion,
    calendarSequence: 0,
    version: 3,
    createdAt: new Date('2026-03-01T10:00:00Z'),
    updatedAt: new Date(),
  } as unknown as EventEntity;
  return { event: Object.assign(new EventEntityClass(), event), template, customer };
}

const SENDER_CONFIG = {
  MAIL_FROM_NAME: 'Acme',
  MAIL_FROM_EMAIL: 'appointments@example.com',
  MAIL_FROM_IMAGE_URL: undefined,
  VERIFIED_SENDER_DOMAINS: ['example.com'],
} as SchedulingConfig;

/**
 * Staging and the sent reminders' effects over in-memory repositories holding the events (with
 * their customers and templates); `appliedKeys` are the dedupe keys of reminders let go before.
 * `opted-out@example.com` is on the stop list.
 */
function harness(seeded: LoadedEvent[], appliedKeys: string[] = []) {
  const customers = new InMemoryCustomersRepository(seeded.map((item) => item.customer));
  const templates = new InMemoryTemplatesRepository(seeded.map((item) => item.template));
  const events = new InMemoryEventsRepository(
    customers,
    seeded.map((item) => item.event),
  );
  const chatter = new InMemoryChatterEntriesRepository(appliedKeys.map((key) => `let-go:${key}`));
  const published: { type: string; eventId: string; payload: any; correlationId?: string }[] = [];
  const manager = {} as EntityManager;
  const loader = new EventLoader(
    events as unknown as EventsRepository,
    templates as unknown as TemplatesRepository,
    customers as unknown as CustomersRepository,
  );
  const planner = new NotificationPlanner(
    new StopListCopy(
      new InMemoryOptedOutAddressesRepository([
        { channel: 'email', address: 'opted-out@example.com' },
      ]) as unknown as OptedOutAddressesRepository,
    ),
    new SenderSettings(SENDER_CONFIG, new InMemorySenderSettingsRepository() as unknown as SenderSettingsRepository),
  );
  const outbox = { add: async (_m: EntityManager, added: typeof published) => void published.push(...added) };
  const logger = { info: () => undefined } as never;
  const acceptance = new AcceptReminders(
    events as unknown as EventsRepository,
    chatter as unknown as ChatterEntriesRepository,
    outbox as never,
    logger,
  );
  const staging = new StageReminders(loader, planner, outbox as never, acceptance);
  const releases = new CheckReminderReleases(
    { transaction: (work: (m: EntityManager) => unknown) => work(manager) } as never,
    loader,
    planner,
    outbox as never,
    acceptance,
  );
  /** The events as the caller's transaction has them loaded and locked. */
  const loaded = new Map(seeded.map((item) => [item.event.id, item]));
  /** Each status write (one statement for its batch), with the events it wrote as stored now. */
  const updates = () =>
    events.statusWrites.map((ids) =>
      ids.map((id) => {
        const { bookingStatus, version } = events.stored(id)!;
        return { id, status: bookingStatus, version };
      }),
    );
  return { staging, releases, acceptance, loaded, manager, chatter: chatter.entries, published, updates, events };
}

const NOW = new Date('2026-03-08T12:50:00.000Z');
const DUE_AT = '2026-03-08T13:00:00.000Z';

const reminder = (eventId: string, configKey: string, startVersion = 1, late = false): ReminderToStage => ({
  reminderId: `rem-${eventId}`,
  eventId,
  configKey,
  offsetMinutes: 1440,
  startVersion,
  dueAt: DUE_AT,
  late,
  dedupeKey: `reminder:rem-${eventId}:${startVersion}`,
  correlationId: `corr-${eventId}`,
});

/** What was staged for a reminder of the template's `with-buttons` config. */
const stagedRef = (overrides: Partial<ReminderSendRef> = {}): ReminderSendRef => ({
  reminderId: 'rem',
  configKey: 'with-buttons',
  offsetMinutes: 1440,
  startVersion: 1,
  dueAt: DUE_AT,
  late: false,
  eventVersion: 3,
  stagedAt: NOW.toISOString(),
  channels: [{ channel: 'email', address: 'jane@example.com' }],
  skipped: [],
  ...overrides,
});

describe('StageReminders: due reminders staged in the consumer transaction', () => {
  it('prepares the current ones without changing anything of the event, and refuses the stale, draft, cancelled and missing ones', async () => {
    const bookedButtons = loadedEvent('booked-buttons', 'booked');
    const { staging, manager, chatter, published, updates, events } = harness([
      bookedButtons,
      loadedEvent('confirmed-plain', 'confirmed'),
      loadedEvent('moved', 'booked', 2),
      loadedEvent('draft', 'draft'),
      loadedEvent('cancelled', 'cancelled'),
    ]);
    const outcomes = await staging.execute(
      [
        reminder('booked-buttons', 'with-buttons'),
        reminder('confirmed-plain', 'plain', 1, true),
        reminder('moved', 'with-buttons', 1),
        reminder('draft', 'with-buttons'),
        reminder('cancelled', 'with-buttons'),
        reminder('gone', 'plain'),
      ],
      manager,
      NOW,
    );
    expect(outcomes.map((outcome) => ('result' in outcome ? 'staged' : (outcome.refusal as Error).constructor.name))).toEqual([
      'staged',
      'staged',
      'StartMoved',
      'TransitionRefused',
      'TransitionRefused',
      'NotFound',
    ]);
    expect((outcomes[2] as { refusal: unknown }).refusal).toBeInstanceOf(StartMoved);

    // Nothing of the events changes at staging: no status write, no chatter; only the requests.
    expect([updates(), chatter]).toEqual([[], []]);
    expect(published.map((event) => [event.type, event.eventId, event.correlationId])).toEqual([
      ['NotificationRequested', 'booked-buttons', 'corr-booked-buttons'],
      ['NotificationRequested', 'confirmed-plain', 'corr-confirmed-plain'],
    ]);
    const [buttons, plain] = published.map((event) => event.payload);
    expect(buttons).toMatchObject({
      type: 'reminder',
      configKey: 'with-buttons',
      dedupeKey: 'reminder:rem-booked-buttons:1',
      requestedBy: { name: 'Reminder scheduler', email: null },
      sendAt: DUE_AT,
      reminder: {
        reminderId: 'rem-booked-buttons',
        configKey: 'with-buttons',
        offsetMinutes: 1440,
        startVersion: 1,
        dueAt: DUE_AT,
        late: false,
        eventVersion: 3,
        stagedAt: NOW.toISOString(),
        channels: [{ channel: 'email', address: 'jane@example.com' }],
        skipped: [],
      },
    });
    // Rendered as the reminder will leave the event (invited), which is still booked.
    expect(buttons.event.title).toBe('[INVITED] Site visit with Jane Doe');
    expect(events.stored('booked-buttons')).toMatchObject({
      bookingStatus: 'booked',
      version: 3,
      title: '[BOOKED] Site visit with Jane Doe',
    });
    expect(plain.reminder).toMatchObject({ late: true });
  });

  it('a reminder staged at or after its due time is sent at once (no sendAt), and let go there: its effects are applied', async () => {
    const { staging, manager, published, chatter, updates } = harness([loadedEvent('booked-buttons', 'booked')]);
    await staging.execute([reminder('booked-buttons', 'with-buttons')], manager, new Date(DUE_AT));
    expect(published.map((event) => event.type)).toEqual(['NotificationRequested', 'ReminderSent']);
    expect(published[0].payload.sendAt).toBeUndefined();
    expect(published[0].payload.reminder.stagedAt).toBe(DUE_AT);
    expect(updates()).toEqual([[{ id: 'booked-buttons', status: 'invited', version: 4 }]]);
    expect(chatter.map((entry) => [entry.kind, entry.sourceId ?? null])).toEqual([
      ['notification_requested', 'let-go:reminder:rem-booked-buttons:1'],
      ['status_changed', null],
    ]);
  });
});

describe('CheckReminderReleases: the release check of staged reminders', () => {
  const check = (items: { eventId: string; reminder: ReminderSendRef }[]): ReminderReleaseCheck =>
    ({
      reminders: items.map((item, index) => ({
        requestId: `req-${index}`,
        dedupeKey: `reminder:${item.reminder.reminderId}-${item.eventId}:1`,
        ...item,
      })),
    }) as ReminderReleaseCheck;

  it('answers each in order; lets go the current one and prepares the changed one again at once with the same dedupe key, applying their effects', async () => {
    const optedOut = loadedEvent('opted-out', 'booked');
    optedOut.customer.email = 'opted-out@example.com';
    const { releases, published, updates, chatter } = harness([
      loadedEvent('same', 'booked'),
      loadedEvent('moved', 'booked', 2),
      loadedEvent('cancelled', 'cancelled'),
      loadedEvent('edited', 'booked'),
      optedOut,
    ]);
    const verdicts = await releases.execute(
      check([
        { eventId: 'same', reminder: stagedRef() },
        { eventId: 'moved', reminder: stagedRef() },
        { eventId: 'cancelled', reminder: stagedRef() },
        { eventId: 'edited', reminder: stagedRef({ eventVersion: 2 }) },
        { eventId: 'opted-out', reminder: stagedRef({ channels: [{ channel: 'email', address: 'opted-out@example.com' }] }) },
        { eventId: 'gone', reminder: stagedRef() },
      ]),
      new Date(DUE_AT),
    );
    expect(verdicts.map((verdict) => [verdict.requestId, verdict.verdict])).toEqual([
      ['req-0', 'send'],
      ['req-1', 'stale'],
      ['req-2', 'refused'],
      ['req-3', 'restaged'],
      ['req-4', 'refused'],
      ['req-5', 'refused'],
    ]);
    expect(verdicts[4]).toMatchObject({ reason: expect.stringMatching(/opted out|Nothing was sent/) });
    const [restaged, ...statusEvents] = published;
    expect([
      restaged.type,
      restaged.eventId,
      restaged.payload.dedupeKey,
      restaged.payload.sendAt,
      restaged.payload.reminder.eventVersion,
    ]).toEqual(['NotificationRequested', 'edited', 'reminder:rem-edited:1', undefined, 3]);
    // Let go: the staged one (its request) and the restaged one (its new request); both configs have buttons.
    expect(statusEvents.map((event) => [event.type, event.eventId, event.payload.bookingStatus])).toEqual([
      ['ReminderSent', 'same', 'invited'],
      ['ReminderSent', 'edited', 'invited'],
    ]);
    expect(updates()).toEqual([
      [
        { id: 'same', status: 'invited', version: 4 },
        { id: 'edited', status: 'invited', version: 4 },
      ],
    ]);
    expect(chatter.filter((entry) => entry.kind === 'notification_requested').map((entry) => [entry.eventId, entry.sourceId])).toEqual([
      ['same', 'let-go:reminder:rem-same:1'],
      ['edited', 'let-go:reminder:rem-edited:1'],
    ]);
  });

  it('a staged reminder released after its event started is missed, and reminder-scheduler is told (ReminderMissed)', async () => {
    const { releases, published, chatter } = harness([loadedEvent('same', 'booked')]);
    const [verdict] = await releases.execute(check([{ eventId: 'same', reminder: stagedRef() }]), new Date('2026-03-09T13:00:00Z'));
    expect(verdict).toMatchObject({ verdict: 'missed', reason: expect.stringMatching(/event start/) });
    expect(published.map((event) => [event.type, event.eventId, event.payload])).toEqual([
      [
        'ReminderMissed',
        'same',
        { reminderId: 'rem', eventId: 'same', startVersion: 1, dueAt: DUE_AT, reason: (verdict as { reason: string }).reason },
      ],
    ]);
    expect(chatter).toEqual([]);
  });
});

describe('AcceptReminders: a reminder let go applies its effects once per reminder (its dedupe key)', () => {
  it('moves a booked event to invited for a config with buttons, with chatter and ReminderSent; a plain one only tells', async () => {
    const { acceptance, loaded, manager, chatter, published, updates } = harness([
      loadedEvent('booked-buttons', 'booked'),
      loadedEvent('confirmed-plain', 'confirmed'),
    ]);
    await acceptance.execute(
      [
        { requestId: 'req-1', eventId: 'booked-buttons', dedupeKey: 'reminder:rem-1:1', reminder: stagedRef(), correlationId: 'c1' },
        { requestId: 'req-1', eventId: 'booked-buttons', dedupeKey: 'reminder:rem-1:1', reminder: stagedRef(), correlationId: 'c1' }, // its second channel
        {
          requestId: 'req-2',
          eventId: 'confirmed-plain',
          dedupeKey: 'reminder:rem-2:1',
          reminder: stagedRef({ configKey: 'plain', late: true }),
          correlationId: 'c2',
        },
      ],
      loaded,
      manager,
    );
    expect(updates()).toEqual([[{ id: 'booked-buttons', status: 'invited', version: 4 }]]);
    expect(chatter.map((entry) => [entry.eventId, entry.kind, entry.body, entry.sourceId ?? null])).toEqual([
      [
        'booked-buttons',
        'notification_requested',
        'Reminder sent to Jane Doe by email (jane@example.com), 1 day before the start',
        'let-go:reminder:rem-1:1',
      ],
      ['booked-buttons', 'status_changed', 'Status changed from booked to invited', null],
      [
        'confirmed-plain',
        'notification_requested',
        'Reminder sent to Jane Doe by email (jane@example.com), 1 day before the start; sent late: the system was down at its due time',
        'let-go:reminder:rem-2:1',
      ],
    ]);
    expect(published.map((event) => [event.type, event.eventId, event.payload.bookingStatus, event.correlationId])).toEqual([
      ['ReminderSent', 'booked-buttons', 'invited', 'c1'],
      ['ReminderSent', 'confirmed-plain', 'confirmed', 'c2'],
    ]);
  });

  it('applies nothing for a reminder already let go, even under another request, and only the line when the state machine refuses by now', async () => {
    const { acceptance, loaded, manager, chatter, published, updates } = harness(
      [loadedEvent('booked-buttons', 'booked'), loadedEvent('cancelled', 'cancelled')],
      ['reminder:rem-1:1'],
    );
    await acceptance.execute(
      [
        // Prepared again after its effects were applied (a crash before dispatch committed the release): a new request, the same reminder.
        { requestId: 'req-1-restaged', eventId: 'booked-buttons', dedupeKey: 'reminder:rem-1:1', reminder: stagedRef() },
        { requestId: 'req-3', eventId: 'cancelled', dedupeKey: 'reminder:rem-3:1', reminder: stagedRef() },
        { requestId: 'req-4', eventId: 'gone', dedupeKey: 'reminder:rem-4:1', reminder: stagedRef() },
      ],
      loaded,
      manager,
    );
    expect(chatter.map((entry) => [entry.eventId, entry.kind])).toEqual([['cancelled', 'notification_requested']]);
    expect([updates(), published]).toEqual([[], []]);
  });
});
