import { eventually } from '@appointments/testing';
import Redis from 'ioredis';
import { Stack, startStack } from '../../../tools/stack/src/stack';
import { createScenario, expectStatus, everyType, Scenario, send, settledRows } from './notifications';
import { logCollector, Platform, platformEnv, StaffApi } from './platform';

/**
 * Helpers for the reminder end-to-end tests: events booked with a fixed reminder trigger a
 * given number of seconds ahead, the reminders route, the reminder notifications a customer
 * received, bounded negative checks, extra reminder-scheduler processes, and the run's Redis keys.
 */

const SECOND = 1000;

/** A start `ms` from now, on a whole second (the API's instants are compared as ISO strings). */
export function startIn(ms: number): Date {
  return new Date(Math.ceil((Date.now() + ms) / SECOND) * SECOND);
}

export interface BookedOptions {
  start: Date | string;
  offsetMinutes?: number;
  /** Overrides of the configs of `everyType('email')`, by type (e.g. buttons on the reminder). */
  configs?: Record<string, Record<string, unknown>>;
  timeZone?: string;
}

/**
 * A customer, a template whose reminder config (`key: 'reminder'`, email only) is triggered
 * `offsetMinutes` before the start, and an event booked by a confirmation (its console row settled).
 */
export async function bookedWithTrigger(api: StaffApi, options: BookedOptions): Promise<Scenario> {
  const start = typeof options.start === 'string' ? options.start : options.start.toISOString();
  const end = new Date(Date.parse(start) + 30 * 60 * SECOND).toISOString();
  const scenario = await createScenario(api, {
    configs: everyType('email', options.configs ?? {}),
    template: { reminderTriggers: [{ configKey: 'reminder', offsetMinutes: options.offsetMinutes ?? 1 }] },
    event: { start, end, timeZone: options.timeZone ?? 'America/New_York' },
  });
  const sent = await send(api, scenario.event.id, { type: 'confirmation' });
  expectStatus(sent, 202, 'send confirmation');
  await settledRows(api, scenario.event.id, sent.body.notificationIds.length);
  return scenario;
}

/** `GET /api/events/:id/reminders`. */
export async function reminders(api: StaffApi, eventId: string): Promise<any[]> {
  const response = await api.get(`/api/events/${eventId}/reminders`);
  expectStatus(response, 200, `GET /api/events/${eventId}/reminders`);
  return response.body;
}

/** Waits until the event has exactly one reminder and it satisfies `accept`. */
export async function reminderWhere(
  api: StaffApi,
  eventId: string,
  accept: (reminder: any) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<any> {
  const [reminder] = await eventually(
    () => reminders(api, eventId),
    (list) => list.length === 1 && accept(list[0]),
    { what: `${what} (event ${eventId})`, timeoutMs, intervalMs: 100 },
  );
  return reminder;
}

/** The reminder notifications of an event in the console, newest first. */
export async function reminderRows(api: StaffApi, eventId: string): Promise<any[]> {
  const query = new URLSearchParams({ eventId, type: 'reminder' });
  const response = await api.get(`/api/notifications?${query}`);
  expectStatus(response, 200, 'GET /api/notifications');
  return response.body.items;
}

/** The reminder emails the dev outbox took for `to` (the configs' subjects start with their type). */
export async function reminderEmails(api: StaffApi, to: string): Promise<any[]> {
  const response = await api.get(`/api/dev/outbox?${new URLSearchParams({ to, channel: 'email' })}`);
  expectStatus(response, 200, 'GET /api/dev/outbox');
  return response.body.filter((message: any) => String(message.subject).startsWith('reminder:'));
}

/**
 * The negative counterpart of `eventually`: polls for `forMs` and fails as soon as `accept`
 * refuses a value (an error of the probe fails too). Answers the last value.
 */
export async function holdsFor<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { forMs, what, intervalMs = 200 }: { forMs: number; what: string; intervalMs?: number },
): Promise<T> {
  const until = Date.now() + forMs;
  for (;;) {
    const value = await probe();
    if (!accept(value)) throw new Error(`expected ${what} to hold for ${forMs} ms, but it did not: ${JSON.stringify(value)}`);
    if (Date.now() >= until) return value;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, until - Date.now()))));
  }
}

/**
 * Runs `flow` now and answers its promise, already marked as handled so that a failure
 * before a test awaits it is reported by that test, not as an unhandled rejection.
 */
export function inBackground<T>(flow: () => Promise<T>): Promise<T> {
  const running = flow();
  running.catch(() => undefined);
  return running;
}

/** "9:00 AM" as the notifications write a time of day (plain spaces). */
export function localTime(instant: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' })
    .format(new Date(instant))
    .replace(/[\u202f\u00a0]/g, ' ');
}

/** Another reminder-scheduler process of the platform: same database, AMQP namespace and Redis prefix, its own port. */
export function startReminderScheduler(platform: Platform, env: Record<string, string> = {}): Promise<Stack> {
  return startStack({
    only: ['reminder-scheduler'],
    freePorts: true,
    env: platformEnv(platform.environment, env),
    onLine: logCollector(platform.logs),
    onUnexpectedExit: (exit) => platform.crashes.push(exit),
  });
}

/** A Redis client for the run (the services' `REDIS_URL`). */
export function redisOf(platform: Platform): Redis {
  return new Redis(platform.environment.env.REDIS_URL, { maxRetriesPerRequest: 3 });
}

/** Every key under the run's Redis prefix (SCAN, never KEYS). */
export async function keysUnderPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/**
 * What `FLUSHALL` does to this run: every key under its prefix is deleted. (Not a real
 * FLUSHALL: other runs and processes share this Redis.) Answers how many keys went.
 */
export async function flushRun(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysUnderPrefix(redis, prefix);
  for (let index = 0; index < keys.length; index += 500) await redis.del(...keys.slice(index, index + 500));
  return keys.length;
}

/** The Redis key of a BullMQ job of the reminders queue. */
export function reminderJobKey(prefix: string, reminder: { id: string; startVersion: number }): string {
  return `${prefix}:reminders:reminder-${reminder.id}-v${reminder.startVersion}`;
}
