import type { NotificationConfig } from '@appointments/contracts';
import type { BookingStatus } from '@appointments/domain';
import type { EntityManager } from 'typeorm';
import type { ChatterLog, NewChatterEntry } from '../../chatter/chatter-log';
import type { CustomerEntity } from '../../persistence/customer.entity';
import type { EventEntity } from '../../persistence/event.entity';
import type { TemplateEntity } from '../../persistence/template.entity';
import type { EventLoader, LoadedEvent } from '../event-loader';
import { NotificationPlanner } from '../notification-plan';
import type { CancellationConfirmation } from '../send-notification/cancellation-confirmation';
import { REMINDER_SCHEDULER, SendNotificationHandler } from '../send-notification/send-notification.handler';
import { StartMoved } from '../send-notification/start-moved';
import { reminderSend } from './reminder-due';

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
    notificationConfigs: [config('with-buttons', true), config('plain', false)],
    reminderTriggers: [{ configKey: 'with-buttons', offsetMinutes: 1440 }],
  } as unknown as TemplateEntity;
  const customer = { id: 'cust', name: 'Jane Doe', email: 'jane@example.com', phone: null, preferredConfirmationMethod: null } as CustomerEntity;
  const event = {
    id,
    customerId: 'cust',
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
  return { event, template, customer };
}

/** The handler with its database at the edges replaced: loads from a map, records what it would write. */
function harness(events: LoadedEvent[]) {
  const chatter: NewChatterEntry[] = [];
  const published: { type: string; payload: any; correlationId?: string }[] = [];
  const updates: string[][] = [];
  const manager = {
    query: async (_sql: string, params: unknown[][]) => {
      updates.push(params[0] as string[]);
      return [(params[0] as string[]).map((id) => ({ id, updated_at: new Date('2026-03-08T13:00:01Z') })), params[0].length];
    },
  } as unknown as EntityManager;
  const loader = {
    loadMany: async (_m: EntityManager, ids: string[]) => new Map(events.filter((e) => ids.includes(e.event.id)).map((e) => [e.event.id, e])),
  } as unknown as EventLoader;
  const planner = new NotificationPlanner(
    { optedOut: async () => () => false } as never,
    { current: async () => ({ name: 'Acme', email: 'appointments@example.com', imageUrl: null }), assertVerified: () => undefined } as never,
  );
  const chatterLog = { addMany: async (_m: EntityManager, entries: NewChatterEntry[]) => void chatter.push(...entries) } as unknown as ChatterLog;
  const outbox = { add: async (_m: EntityManager, added: typeof published) => void published.push(...added) };
  const handler = new SendNotificationHandler(
    { transaction: () => Promise.reject(new Error('must run in the consumer transaction')) } as never,
    loader,
    planner,
    {} as CancellationConfirmation,
    chatterLog,
    outbox as never,
  );
  return { handler, manager, chatter, published, updates };
}

const due = (eventId: string, configKey: string, startVersion = 1, late = false) => ({
  reminderId: `rem-${eventId}`,
  eventId,
  configKey,
  offsetMinutes: 1440,
  startVersion,
  dueAt: '2026-03-08T13:00:00.000Z',
  firedAt: '2026-03-08T13:00:00.100Z',
  dedupeKey: `reminder:rem-${eventId}:${startVersion}`,
  late,
});

describe('due reminders sent as one batch in the consumer transaction', () => {
  it('sends the current ones and refuses the stale, draft and cancelled ones without touching them', async () => {
    const { handler, manager, chatter, published, updates } = harness([
      loadedEvent('booked-buttons', 'booked'),
      loadedEvent('confirmed-plain', 'confirmed'),
      loadedEvent('moved', 'booked', 2),
      loadedEvent('draft', 'draft'),
      loadedEvent('cancelled', 'cancelled'),
    ]);
    const reminders = [
      due('booked-buttons', 'with-buttons'),
      due('confirmed-plain', 'plain', 1, true),
      due('moved', 'with-buttons', 1),
      due('draft', 'with-buttons'),
      due('cancelled', 'with-buttons'),
    ];
    const outcomes = await handler.executeMany(
      { actor: REMINDER_SCHEDULER, sends: reminders.map((reminder, index) => reminderSend(reminder, `corr-${index}`)) },
      manager,
    );

    expect(outcomes.map((outcome) => ('result' in outcome ? 'sent' : (outcome.refusal as Error).constructor.name))).toEqual([
      'sent',
      'sent',
      'StartMoved',
      'TransitionRefused',
      'TransitionRefused',
    ]);
    expect((outcomes[2] as { refusal: unknown }).refusal).toBeInstanceOf(StartMoved);

    // One write for the batch, of the two events that were sent.
    expect(updates).toEqual([['booked-buttons', 'confirmed-plain']]);
    const first = outcomes[0] as { result: { event: { bookingStatus: string; attendeeStatus: string } } };
    expect(first.result.event).toMatchObject({ bookingStatus: 'invited', attendeeStatus: 'needs_action' });
    const second = outcomes[1] as { result: { event: { bookingStatus: string } } };
    expect(second.result.event.bookingStatus).toBe('confirmed');

    expect(chatter.map((entry) => [entry.eventId, entry.kind, entry.body, entry.author])).toEqual([
      ['booked-buttons', 'notification_requested', 'Reminder sent to Jane Doe by email (jane@example.com), 1 day before the start', { name: 'Reminder scheduler' }],
      ['booked-buttons', 'status_changed', 'Status changed from booked to invited', { name: 'Reminder scheduler' }],
      [
        'confirmed-plain',
        'notification_requested',
        'Reminder sent to Jane Doe by email (jane@example.com), 1 day before the start; sent late: the system was down at its due time',
        { name: 'Reminder scheduler' },
      ],
    ]);

    expect(published.map((event) => [event.type, event.payload.eventId ?? event.payload.event?.id, event.correlationId])).toEqual([
      ['ReminderSent', 'booked-buttons', 'corr-0'],
      ['NotificationRequested', 'booked-buttons', 'corr-0'],
      ['ReminderSent', 'confirmed-plain', 'corr-1'],
      ['NotificationRequested', 'confirmed-plain', 'corr-1'],
    ]);
    const requested = published.filter((event) => event.type === 'NotificationRequested').map((event) => event.payload);
    expect(requested.map((payload) => [payload.type, payload.configKey, payload.dedupeKey, payload.requestedBy])).toEqual([
      ['reminder', 'with-buttons', 'reminder:rem-booked-buttons:1', { name: 'Reminder scheduler', email: null }],
      ['reminder', 'plain', 'reminder:rem-confirmed-plain:1', { name: 'Reminder scheduler', email: null }],
    ]);
    expect(published[0].payload).toMatchObject({ bookingStatus: 'invited', previousBookingStatus: 'booked', startVersion: 1 });
  });

  it('writes nothing when every reminder of the batch is refused', async () => {
    const { handler, manager, chatter, published, updates } = harness([loadedEvent('cancelled', 'cancelled')]);
    const outcomes = await handler.executeMany({ actor: REMINDER_SCHEDULER, sends: [reminderSend(due('cancelled', 'plain')), reminderSend(due('gone', 'plain'))] }, manager);
    expect(outcomes.map((outcome) => 'refusal' in outcome && (outcome.refusal as { code: string }).code)).toEqual(['transition_refused', 'not_found']);
    expect([updates, chatter, published]).toEqual([[], [], []]);
  });
});
