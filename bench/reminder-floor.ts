/**
 * `npm run bench:reminder-floor`: the PostgreSQL work a staged reminder cannot do without at its
 * due time, measured alone, as a floor under `npm run bench:reminders`.
 *
 * It builds scheduling's and notification-dispatch's tables with their own migrations in a fresh
 * database, stores `BENCH_FLOOR_REMINDERS` staged reminders (ten per event) whose email is rendered
 * by the product's renderer with its calendar file, and then, with `BENCH_FLOOR_SESSIONS` database
 * sessions in parallel and batches of `BENCH_FLOOR_BATCH`, runs only the statements the release
 * runs per batch, through the services' own repositories (`NotificationsRepository`,
 * `ChatterEntriesRepository`, `DevOutboxMessagesRepository`), so the statements are theirs:
 *
 *  - `claim`: the due staged rows claimed for delivery, returning what the send needs
 *    (`NotificationsRepository.claimDueStaged`);
 *  - `check`: the release check's lock of the batch's events and its chatter line per reminder
 *    (`CheckReminderReleases`: `EventLoader.loadMany` `forUpdate`, `ChatterEntriesRepository.addMany`);
 *  - `sink`: the local sink's copy of each email (`DevOutboxMessagesRepository.storeMany`, one insert a batch);
 *  - `sent`: the "sent" update (`NotificationsRepository.recordSent`).
 *
 * Nothing else runs: no service, no broker, no outbox, no consumer, no JSON validation, no
 * rendering. The figure is the machine's CPU (every process, from /proc/stat) per reminder, so run
 * it on a quiet machine. It prints the floor (all four steps) and each step alone.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { buildCalendarInvite, renderEmail } from '../libs/notification-content/src';
import { migrateSchema } from '../libs/persistence/src';
import { isolatedEnvironment } from '../libs/testing/src/isolated-environment';
import { DevOutboxMessagesRepository } from '../apps/notification-dispatch/src/persistence/dev-outbox-messages.repository';
import { NotificationsRepository } from '../apps/notification-dispatch/src/persistence/notifications.repository';
import { ChatterEntriesRepository } from '../apps/scheduling/src/persistence/chatter-entries.repository';
import { DISPATCH_MIGRATIONS } from '../apps/notification-dispatch/src/persistence/migrations';
import { SCHEDULING_MIGRATIONS } from '../apps/scheduling/src/persistence/migrations';
import { machineDescription, say, writeResult } from './harness';

const KNOBS = {
  reminders: Number(process.env.BENCH_FLOOR_REMINDERS ?? 100_000),
  perEvent: 10,
  batch: Number(process.env.BENCH_FLOOR_BATCH ?? 1000),
  sessions: Number(process.env.BENCH_FLOOR_SESSIONS ?? 2),
};
const STEPS = ['claim', 'check', 'sink', 'sent'] as const;
type Step = (typeof STEPS)[number];
const PASSES: Step[][] = [[...STEPS], ['claim'], ['claim', 'check'], ['claim', 'sink'], ['claim', 'sent']];
const NOTIFICATIONS = 'notification_dispatch.notifications';

interface Pass {
  steps: string;
  reminders: number;
  seconds: number;
  perSecond: number;
  machineCpuSeconds: number;
  cpuMicrosecondsPerReminder: number;
}

async function main() {
  const environment = isolatedEnvironment('bench_floor');
  const adminUrl = new URL(environment.databaseUrl);
  const database = adminUrl.pathname.slice(1);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  say(
    `reminders=${KNOBS.reminders} (${KNOBS.reminders / KNOBS.perEvent} events × ${KNOBS.perEvent}), batch ${KNOBS.batch}, sessions ${KNOBS.sessions}, database ${database}`,
  );
  const passes: Pass[] = [];
  try {
    for (const steps of PASSES) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${database}"`);
      await buildTables(environment.databaseUrl);
      await seed(environment.databaseUrl);
      passes.push(await release(environment.databaseUrl, steps));
      const last = passes[passes.length - 1];
      say(
        `${last.steps.padEnd(22)} ${last.reminders} in ${last.seconds} s (${last.perSecond}/s): machine CPU ${last.machineCpuSeconds} s, ${last.cpuMicrosecondsPerReminder} µs per reminder`,
      );
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  writeResult('reminder-floor', { benchmark: 'reminder-floor', machine: machineDescription(), knobs: KNOBS, passes });
}

async function buildTables(url: string) {
  for (const [schema, migrations] of [
    ['scheduling', SCHEDULING_MIGRATIONS],
    ['notification_dispatch', DISPATCH_MIGRATIONS],
  ] as const) {
    // As the service configures it (libs/persistence, PersistenceModule).
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      schema,
      migrations: [...migrations],
      migrationsTableName: 'migrations',
      logging: false,
    });
    await dataSource.initialize();
    await migrateSchema(dataSource, schema);
    await dataSource.destroy();
  }
}

/** Events, and their staged reminders due a second ago, as staging leaves them (the email rendered, `staged`). */
async function seed(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const customerId = randomUUID();
    const templateId = randomUUID();
    const events = KNOBS.reminders / KNOBS.perEvent;
    await client.query(
      `INSERT INTO scheduling.customers (id, name, email, preferred_confirmation_method) VALUES ($1, 'Floor Customer', 'floor.customer@example.com', 'email')`,
      [customerId],
    );
    await client.query(
      `INSERT INTO scheduling.templates (id, name, title_pattern, customer_title, notification_configs) VALUES ($1, 'Floor', '[{status}] Visit', 'Your appointment', '[]')`,
      [templateId],
    );
    await client.query(
      `INSERT INTO scheduling.events (id, customer_id, template_id, title, starts_at, ends_at, time_zone, location, organizer, booking_status, attendee_status, notification_state, version)
       SELECT md5('floor-event-' || g)::uuid, $1, $2, '[BOOKED] Visit with Floor Customer', now() + interval '10 minutes', now() + interval '40 minutes',
              'Europe/Berlin', 'Floor Street ' || g || ', Berlin', '{"name": "Admin", "email": "admin@example.com"}', 'booked', 'needs_action', 'in_sync', 2
         FROM generate_series(1, $3) g`,
      [customerId, templateId, events],
    );
    const start = new Date(Date.now() + 10 * 60_000);
    const end = new Date(start.getTime() + 30 * 60_000);
    const context = {
      customerName: 'Floor Customer',
      customerTitle: 'Your appointment',
      start: start.toISOString(),
      end: end.toISOString(),
      timeZone: 'Europe/Berlin',
      location: 'Floor Street 1, Berlin',
      organizerName: 'Admin',
      organizerEmail: 'admin@example.com',
    };
    const email = renderEmail(
      {
        emailSubject: 'Reminder: {{customerTitle}} on {{date}} at {{time}}',
        emailBody:
          '<p>Hello {{customerName}},</p><p>a reminder of your appointment on {{date}} at {{time}} ({{timeZone}}) at {{location}}.</p>',
      },
      context,
      { calendarBlock: true, sender: { name: 'Appointments' } },
    );
    const invite = buildCalendarInvite({
      uid: randomUUID(),
      sequence: 0,
      method: 'REQUEST',
      title: 'Your appointment',
      start: context.start,
      end: context.end,
      location: context.location,
      organizer: { name: 'Admin', email: 'admin@example.com' },
      attendee: { name: 'Floor Customer', email: 'floor.customer@example.com' },
    });
    const row = {
      type: 'reminder',
      config_key: 'reminder_1',
      channel: 'email',
      recipient_name: 'Floor Customer',
      recipient_email: 'floor.customer@example.com',
      subject: email.subject,
      body_text: email.text,
      body_html: email.html,
      attachments: [
        { filename: invite.filename, contentType: invite.contentType, content: Buffer.from(invite.content).toString('base64') },
      ],
      status: 'staged',
      delivery_content: { from: { name: 'Appointments', email: 'appointments@example.com' }, landingToken: null },
      event_start: start.toISOString(),
    };
    await client.query(
      `INSERT INTO ${NOTIFICATIONS} (id, request_id, event_id, type, config_key, channel, recipient_name, recipient_email, subject, body_text, body_html, attachments,
                                     status, delivery_content, event_start, next_attempt_at, dedupe_key, reminder)
       SELECT gen_random_uuid(), gen_random_uuid(), md5('floor-event-' || (g % $2 + 1))::uuid, r.type, r.config_key, r.channel, r.recipient_name, r.recipient_email,
              r.subject, r.body_text, r.body_html, r.attachments, r.status, r.delivery_content, r.event_start, now() - interval '1 second',
              'reminder:' || md5('floor-reminder-' || g)::uuid || ':1',
              jsonb_build_object('configKey', 'reminder_1', 'offsetMinutes', 10, 'startVersion', 1, 'eventVersion', 2, 'late', false,
                                 'channels', jsonb_build_array(jsonb_build_object('channel', 'email', 'address', r.recipient_email)), 'skipped', '[]'::jsonb)
         FROM json_populate_record(NULL::${NOTIFICATIONS}, $1::json) r, generate_series(1, $3) g`,
      [JSON.stringify(row), events, KNOBS.reminders],
    );
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/** Releases every staged row with the chosen steps, `KNOBS.sessions` sessions at once; the machine's CPU over it. */
async function release(url: string, steps: Step[]): Promise<Pass> {
  const sessions = await Promise.all(
    Array.from({ length: KNOBS.sessions }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const chatter = new ChatterEntriesRepository();
  const cpuBefore = machineCpuTicks();
  const startedAt = Date.now();
  let released = 0;
  try {
    await Promise.all(
      sessions.map(async (client) => {
        const manager = sessionManager(client);
        // The repositories' methods used here take the manager; none reaches its DataSource but the sink's, given this session.
        const notifications = new NotificationsRepository(undefined as unknown as DataSource);
        const devOutbox = new DevOutboxMessagesRepository({ manager } as unknown as DataSource);
        for (;;) {
          const claimed = await notifications.claimDueStaged(manager, KNOBS.batch);
          if (claimed.length === 0) return;
          if (steps.includes('check')) {
            await client.query('BEGIN');
            await prepared(client, 'SELECT * FROM scheduling.events WHERE id = ANY($1::uuid[]) FOR UPDATE', [
              [...new Set(claimed.map((row) => row.eventId))],
            ]);
            await chatter.addMany(
              manager,
              claimed.map((row) => ({
                eventId: row.eventId,
                kind: 'notification_requested' as const,
                body: 'Reminder sent to Floor Customer by email (floor.customer@example.com), 10 minutes before the start',
                author: { name: 'Reminder scheduler' },
                data: { requestId: row.id, type: 'reminder', configKey: 'reminder_1' },
                sourceId: `let-go:${row.dedupeKey}`,
              })),
            );
            await client.query('COMMIT');
          }
          if (steps.includes('sink')) {
            await devOutbox.storeMany(
              claimed.map((row) => ({
                id: randomUUID(),
                notificationId: row.id,
                channel: 'email' as const,
                to: row.recipientEmail ?? '',
                from: 'Appointments <appointments@example.com>',
                subject: row.subject,
                text: row.text,
                html: row.html,
                body: null,
                attachments: row.attachments,
              })),
            );
          }
          if (steps.includes('sent')) {
            await notifications.recordSent(
              manager,
              claimed.map((row) => ({ id: row.id, provider: 'local-sink', providerMessageId: randomUUID() })),
              new Date(),
            );
          }
          released += claimed.length;
        }
      }),
    );
  } finally {
    await Promise.all(sessions.map((client) => client.end()));
  }
  const seconds = (Date.now() - startedAt) / 1000;
  const cpuSeconds = (machineCpuTicks() - cpuBefore) / 100;
  return {
    steps: steps.join(' + '),
    reminders: released,
    seconds: round(seconds, 1),
    perSecond: Math.round(released / seconds),
    machineCpuSeconds: round(cpuSeconds, 1),
    cpuMicrosecondsPerReminder: Math.round((cpuSeconds * 1e6) / Math.max(1, released)),
  };
}

const statementNames = new Map<string, string>();

/**
 * An EntityManager for the repositories on one `pg` session: `query` runs each statement as a
 * named prepared statement and answers as TypeORM's PostgreSQL driver does (`[rows, rowCount]`
 * for UPDATE and DELETE, the rows otherwise).
 */
function sessionManager(client: Client): EntityManager {
  return {
    query: async (text: string, values: unknown[] = []) => {
      let name = statementNames.get(text);
      if (!name) statementNames.set(text, (name = `floor_${statementNames.size + 1}`));
      const result = await client.query({ name, text, values });
      return result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
    },
  } as unknown as EntityManager;
}

/** A parameterised statement run as a named prepared statement, as the services run theirs (`DATABASE_PREPARED_STATEMENTS`). */
async function prepared<Row>(client: Client, text: string, values: unknown[] = []): Promise<Row[]> {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `floor_${statementNames.size + 1}`));
  return (await client.query({ name, text, values })).rows as Row[];
}

/** Busy CPU ticks (USER_HZ, 100 a second) of the whole machine: user, nice, system, irq, softirq. */
function machineCpuTicks(): number {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
