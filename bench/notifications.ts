/**
 * Benchmark: confirmations per second, end to end, on one machine.
 *
 *   POST /api/events/:id/notifications {"type":"confirmation"}  (gateway → scheduling, 202)
 *   → NotificationRequested (scheduling outbox → RabbitMQ → notification-dispatch)
 *   → rendered, delivered to the local sink, console row `sent`.
 *
 * Latency of one confirmation = the row's `sentAt` (server clock, same machine) minus the
 * moment its request was sent. Throughput = confirmations sent / (last sentAt − first
 * request start). See bench/README.md for the knobs and how to read the figures.
 *
 * Run: `npm run bench` (builds, then runs `dist/bench/notifications.js`; no `@appointments/*` imports,
 * so it runs with or without the path-alias hook).
 */
import type { IsolatedEnvironment } from '../libs/testing/src/isolated-environment';
import type { Stack } from '../tools/stack/src/stack';
import { cpuBetween, cpuSnapshot, machineDescription, runBenchmark, runStartedAt, say, writeResult } from './harness';
import {
  ApiClient,
  databaseCounters,
  DatabaseCounters,
  Deadline,
  distribution,
  Distribution,
  memoryOf,
  pool,
  round1,
  sleep,
  table,
  intFromEnv,
} from './support';

// ---------------------------------------------------------------- knobs

function channelModeFromEnv(): 'email' | 'sms' | 'both' {
  const value = process.env.BENCH_CHANNEL_MODE ?? 'both';
  if (value !== 'email' && value !== 'sms' && value !== 'both')
    throw new Error(`BENCH_CHANNEL_MODE must be email, sms or both, not ${value}`);
  return value;
}

const KNOBS = {
  events: intFromEnv('BENCH_EVENTS', 5000, 1, 100_000),
  concurrency: intFromEnv('BENCH_CONCURRENCY', 16, 1, 1024),
  /** Confirmations per request: 1 uses `POST /api/events/:id/notifications`, more `POST /api/notifications/batch`. */
  batch: intFromEnv('BENCH_BATCH', 50, 1, 500),
  /** Notifications per second offered (paced, open loop); 0 sends each request as soon as a slot is free (saturation). */
  rate: intFromEnv('BENCH_RATE', 1200, 0, 100_000),
  setupConcurrency: intFromEnv('BENCH_SETUP_CONCURRENCY', 32, 1, 256),
  warmup: intFromEnv('BENCH_WARMUP', 20, 0, 1000),
  /** Whole run, setup included; cleanup gets up to ~45 s more. */
  maxSeconds: intFromEnv('BENCH_MAX_SECONDS', 240, 30, 3600),
  /** Give up waiting for the last sends after this long without progress. */
  stallSeconds: intFromEnv('BENCH_STALL_SECONDS', 30, 5, 600),
  verbose: process.env.BENCH_VERBOSE === '1',
  /** `both` (the default): every confirmation is an email and an SMS, two notifications. */
  channelMode: channelModeFromEnv(),
};

const CONFIG_KEY = 'confirmation';

// ---------------------------------------------------------------- shapes of the staff API

interface SendResult {
  requestId: string;
  notificationIds: string[];
}
interface NotificationRow {
  id: string;
  status: string;
  sentAt: string | null;
  createdAt: string;
  error: string | null;
}
interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

interface Confirmation {
  eventId: string;
  startedAt: number;
  answeredAt: number;
  status: number;
  notificationIds: string[];
  error?: string;
}

// ---------------------------------------------------------------- the run

runBenchmark({
  name: 'notifications',
  maxSeconds: KNOBS.maxSeconds,
  verbose: KNOBS.verbose,
  banner: `events=${KNOBS.events} batch=${KNOBS.batch} rate=${KNOBS.rate || 'unpaced'}/s concurrency=${KNOBS.concurrency} warmup=${KNOBS.warmup}`,
  measure: async ({ stack, environment, deadline, stackStartSeconds }) => {
    const result = await measure(stack, environment, deadline, stackStartSeconds);
    return result.completed === result.measuredEvents && result.errors.total === 0;
  },
});

// ---------------------------------------------------------------- phases

async function measure(stack: Stack, environment: IsolatedEnvironment, deadline: Deadline, stackStartSeconds: number) {
  const api = new ApiClient(stack.gatewayUrl, deadline);

  // Setup: login, one customer, one template, N + warmup draft events.
  await api.loginAsAdmin(environment.admin);
  const customer = await api.expect<{ id: string }>(201, 'POST', '/api/customers', {
    name: 'Bench Customer',
    email: 'bench.customer@example.com',
    phone: '+14155550100',
    preferredConfirmationMethod: 'email',
  });
  const template = await api.expect<{ id: string }>(201, 'POST', '/api/templates', {
    name: 'Bench visit',
    titlePattern: '[{status}] Bench visit with {customerName}',
    customerTitle: 'Your Bench Appointment',
    notificationConfigs: [
      {
        key: CONFIG_KEY,
        type: 'confirmation',
        channelMode: KNOBS.channelMode,
        emailSubject: 'Confirmed: {{customerTitle}} on {{date}} at {{time}}',
        emailBody:
          '<p>Hello {{customerName}},</p><p>your appointment is confirmed for {{date}} at {{time}} ({{timeZone}}), ' +
          '{{duration}}, at {{location}}.</p><p>{{organizerName}}</p>',
        smsBody: 'Hi {{customerName}}, your appointment is confirmed for {{date}} at {{time}} at {{location}}.',
        // As a real confirmation: answer buttons (so a landing token each), reply codes, the .ics.
        buttons: { accept: true, decline: true, reschedule: true, viewDetails: true, addToCalendar: true },
        replyCodes: { enabled: true },
      },
    ],
  });

  const totalEvents = KNOBS.events + KNOBS.warmup;
  const firstStart = Date.UTC(new Date().getUTCFullYear() + 1, 0, 5, 8, 0, 0); // well in the future
  const eventIds: (string | null)[] = new Array(totalEvents).fill(null);
  const createErrors: Record<string, number> = {};
  const createStartedAt = Date.now();
  await pool(
    Array.from({ length: totalEvents }, (_, index) => index),
    KNOBS.setupConcurrency,
    deadline,
    async (index) => {
      const start = firstStart + index * 30 * 60_000;
      const answer = await api.call<{ id: string }>('POST', '/api/events', {
        customerId: customer.id,
        templateId: template.id,
        start: new Date(start).toISOString(),
        end: new Date(start + 45 * 60_000).toISOString(),
        timeZone: 'Europe/Berlin',
        location: `Bench Street ${index + 1}, Berlin`,
      });
      if (answer.status === 201) eventIds[index] = answer.body.id;
      else createErrors[errorKey(answer)] = (createErrors[errorKey(answer)] ?? 0) + 1;
    },
  );
  deadline.check('event creation');
  const createSeconds = (Date.now() - createStartedAt) / 1000;
  const created = eventIds.filter((id): id is string => id !== null);
  say(
    `created ${created.length}/${totalEvents} draft events in ${createSeconds.toFixed(1)} s (${round1(created.length / createSeconds)}/s)` +
      (Object.keys(createErrors).length ? `; errors ${JSON.stringify(createErrors)}` : ''),
  );
  if (created.length < totalEvents)
    throw new Error(`only ${created.length} of ${totalEvents} events were created: ${JSON.stringify(createErrors)}`);

  const warmupIds = created.slice(0, KNOBS.warmup);
  const measuredIds = created.slice(KNOBS.warmup);

  // Warm-up: a few confirmations through the whole path (JIT, connection pools, prepared plans).
  if (warmupIds.length) {
    const warm: Confirmation[] = [];
    await pool(warmupIds, Math.min(KNOBS.concurrency, 8), deadline, async (eventId) => {
      warm.push(await confirm(api, eventId));
    });
    deadline.check('warm-up');
    const accepted = warm.filter((c) => c.status === 202).length;
    if (accepted < warmupIds.length)
      throw new Error(`warm-up: only ${accepted}/${warmupIds.length} confirmations accepted: ${summariseErrors(warm)}`);
    const warmNotifications = warm.reduce((sum, c) => sum + c.notificationIds.length, 0);
    await waitForSent(api, deadline, warmNotifications, 'warm-up', false);
    say(`warm-up: ${accepted} confirmations (${warmNotifications} notifications) sent`);
  }
  const sentBefore = (await counts(api)).sent;

  // The measured run.
  await sleep(1200, deadline.signal); // let the warm-up's database counters reach pg_stat_database
  const dbBefore = await databaseCounters(environment.databaseUrl);
  const cpuBefore = cpuSnapshot(stack);
  const confirmations: Confirmation[] = [];
  let progressDone = false;
  const progress = (async () => {
    // Light progress line while firing: one count query every 2 s.
    for (let tick = 0; !progressDone && tick < 10_000 && !deadline.signal.aborted; tick++) {
      await sleep(2000, deadline.signal);
      if (progressDone) break;
      const { sent } = await counts(api).catch(() => ({ sent: NaN }));
      say(`  requests answered ${confirmations.length}/${measuredIds.length}, sent ${sent - sentBefore}`);
    }
  })();
  const firingStartedAt = Date.now();
  const notificationsPerConfirmation = KNOBS.channelMode === 'both' ? 2 : 1;
  const requestIntervalMs = KNOBS.rate > 0 ? (1000 * KNOBS.batch * notificationsPerConfirmation) / KNOBS.rate : 0;
  await pool(
    chunks(measuredIds, KNOBS.batch),
    KNOBS.concurrency,
    deadline,
    async (eventIds) => {
      confirmations.push(...(await confirmAll(api, eventIds)));
    },
    requestIntervalMs,
  );
  const firingEndedAt = Date.now();
  progressDone = true;
  await progress;
  deadline.check('firing confirmations');
  const accepted = confirmations.filter((c) => c.status === 202);
  const expectedIds = new Set(accepted.flatMap((c) => c.notificationIds));
  say(
    `fired ${confirmations.length} confirmations in ${((firingEndedAt - firingStartedAt) / 1000).toFixed(1)} s; ` +
      `${accepted.length} accepted` +
      (accepted.length < confirmations.length ? `; errors: ${summariseErrors(confirmations)}` : ''),
  );

  // Wait until every accepted notification has left `pending` (or progress stalls), then read their rows.
  const settled = await waitForSent(api, deadline, sentBefore + expectedIds.size, 'measured run', true);
  const cpuAfter = cpuSnapshot(stack);
  const rows = await harvest(api, deadline, expectedIds);
  await sleep(1200, deadline.signal);
  const dbAfter = await databaseCounters(environment.databaseUrl);

  // Figures.
  const latencies: number[] = [];
  const acceptLatencies = accepted.map((c) => c.answeredAt - c.startedAt);
  // Where the time goes, per completed confirmation: 202 → dispatch inserts the console row
  // (scheduling's outbox relay, the broker, the wait in dispatch's queue), then row → sent.
  const toDispatch: number[] = [];
  const inDispatch: number[] = [];
  const statusOfMissing: Record<string, number> = {};
  let lastSentAt = 0;
  let completed = 0;
  let notificationsCompleted = 0;
  const notificationLatencies: number[] = [];
  for (const confirmation of accepted) {
    const sentTimes: number[] = [];
    const createdTimes: number[] = [];
    for (const id of confirmation.notificationIds) {
      const row = rows.get(id);
      if (row) createdTimes.push(Date.parse(row.createdAt));
      if (row?.status === 'sent' && row.sentAt) {
        sentTimes.push(Date.parse(row.sentAt));
        notificationsCompleted += 1;
        notificationLatencies.push(Date.parse(row.sentAt) - confirmation.startedAt);
      } else statusOfMissing[row?.status ?? 'not in console'] = (statusOfMissing[row?.status ?? 'not in console'] ?? 0) + 1;
    }
    if (sentTimes.length === confirmation.notificationIds.length && sentTimes.length > 0) {
      const doneAt = Math.max(...sentTimes);
      completed += 1;
      latencies.push(doneAt - confirmation.startedAt);
      lastSentAt = Math.max(lastSentAt, doneAt);
      const createdAt = Math.min(...createdTimes);
      toDispatch.push(createdAt - confirmation.answeredAt);
      inDispatch.push(doneAt - createdAt);
    }
  }
  const firstRequestAt = Math.min(...confirmations.map((c) => c.startedAt));
  const lastAcceptAt = Math.max(0, ...accepted.map((c) => c.answeredAt));
  const endToEndSeconds = completed ? (lastSentAt - firstRequestAt) / 1000 : null;
  const acceptSeconds = accepted.length ? (lastAcceptAt - firstRequestAt) / 1000 : null;
  const httpErrors = confirmations.length - accepted.length;
  const notSent = Object.values(statusOfMissing).reduce((sum, n) => sum + n, 0);
  const notFired = measuredIds.length - confirmations.length;

  const cpu = cpuBetween(stack, cpuBefore, cpuAfter, completed);
  const services = cpu.services.map((service) => ({
    name: service.name,
    pid: service.pid,
    ...(memoryOf(service.pid ?? undefined) ?? { rssMiB: null, peakRssMiB: null }),
    cpuSecondsDuringRun: service.cpuSeconds,
    cpuMsPerConfirmation: service.cpuMsPerUnit,
  }));

  const result = {
    benchmark: 'notifications',
    date: new Date(runStartedAt).toISOString(),
    machine: machineDescription(),
    knobs: {
      events: KNOBS.events,
      concurrency: KNOBS.concurrency,
      batch: KNOBS.batch,
      rate: KNOBS.rate,
      warmup: KNOBS.warmup,
      setupConcurrency: KNOBS.setupConcurrency,
      logLevel: process.env.LOG_LEVEL ?? 'warn',
    },
    setup: {
      stackStartSeconds: round1(stackStartSeconds),
      eventsCreated: created.length,
      eventCreateSeconds: round1(createSeconds),
      eventCreatesPerSecond: round1(created.length / createSeconds),
    },
    measuredEvents: measuredIds.length,
    fired: confirmations.length,
    accepted: accepted.length,
    completed,
    settledWithinWait: settled,
    wallSeconds: endToEndSeconds === null ? null : Math.round(endToEndSeconds * 100) / 100,
    firingSeconds: round1((firingEndedAt - firingStartedAt) / 1000),
    confirmationsPerSecond: endToEndSeconds ? round1(completed / endToEndSeconds) : null,
    channelMode: KNOBS.channelMode,
    notificationsCompleted,
    notificationsPerSecond: endToEndSeconds ? round1(notificationsCompleted / endToEndSeconds) : null,
    notificationLatencyMs: distribution(notificationLatencies),
    acceptsPerSecond: acceptSeconds ? round1(accepted.length / acceptSeconds) : null,
    latencyMs: distribution(latencies),
    acceptLatencyMs: distribution(acceptLatencies),
    stageLatencyMs: {
      acceptToDispatchRow: distribution(toDispatch),
      dispatchRowToSent: distribution(inDispatch),
    },
    errors: {
      total: httpErrors + notSent + notFired,
      http: httpErrors,
      httpByStatus: countBy(confirmations.filter((c) => c.status !== 202).map(errorKey)),
      httpSamples: confirmations
        .filter((c) => c.status !== 202)
        .slice(0, 5)
        .map((c) => c.error ?? null),
      notSent,
      notSentByStatus: statusOfMissing,
      notFired,
    },
    cpu: {
      intervalSeconds: cpu.intervalSeconds,
      machineBusyPercent: cpu.machineBusyPercent,
      machineStealPercent: cpu.machineStealPercent,
      infrastructureCpuSeconds: cpu.infrastructureCpuSeconds,
      benchClientCpuSeconds: cpu.benchClientCpuSeconds,
      infrastructureCpuMsPerConfirmation: cpu.infrastructureCpuMsPerUnit,
      benchClientCpuMsPerConfirmation: cpu.benchClientCpuMsPerUnit,
      otherProcessesCpuSeconds: cpu.otherProcessesCpuSeconds,
    },
    database: perConfirmationCounters(dbBefore, dbAfter, completed),
    services,
    environment: { runId: environment.runId },
  };

  report(result);
  writeResult('notifications', result);
  return result;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** One request: a single send, or a batch of them (`BENCH_BATCH` > 1). */
async function confirmAll(api: ApiClient, eventIds: string[]): Promise<Confirmation[]> {
  if (eventIds.length === 1 && KNOBS.batch === 1) return [await confirm(api, eventIds[0])];
  const startedAt = Date.now();
  const answer = await api.call<{ results?: { eventId: string; status: number; notificationIds?: string[]; message?: string }[] }>(
    'POST',
    '/api/notifications/batch',
    { sends: eventIds.map((eventId) => ({ eventId, type: 'confirmation', configKey: CONFIG_KEY })) },
  );
  const answeredAt = Date.now();
  const results = answer.status === 200 && Array.isArray(answer.body?.results) ? answer.body.results : null;
  return eventIds.map((eventId, index) => {
    const result = results?.[index];
    const ok =
      result?.eventId === eventId && result.status === 202 && Array.isArray(result.notificationIds) && result.notificationIds.length > 0;
    return {
      eventId,
      startedAt,
      answeredAt,
      status: ok ? 202 : (result?.status ?? answer.status),
      notificationIds: ok ? result!.notificationIds! : [],
      error: ok ? undefined : (result?.message ?? answer.error ?? JSON.stringify(answer.body).slice(0, 300)),
    };
  });
}

async function confirm(api: ApiClient, eventId: string): Promise<Confirmation> {
  const startedAt = Date.now();
  const answer = await api.call<SendResult>('POST', `/api/events/${eventId}/notifications`, {
    type: 'confirmation',
    configKey: CONFIG_KEY,
  });
  const answeredAt = Date.now();
  const ok = answer.status === 202 && Array.isArray(answer.body?.notificationIds) && answer.body.notificationIds.length > 0;
  return {
    eventId,
    startedAt,
    answeredAt,
    status: ok ? 202 : answer.status === 202 ? -1 : answer.status,
    notificationIds: ok ? answer.body.notificationIds : [],
    error: ok ? undefined : (answer.error ?? JSON.stringify(answer.body).slice(0, 300)),
  };
}

/** How many confirmation rows the console holds as sent and as failed (one cheap page each). */
async function counts(api: ApiClient): Promise<{ sent: number; failed: number }> {
  const [sent, failed] = await Promise.all(
    ['sent', 'failed'].map(async (status) => {
      const page = await api.expect<Page<NotificationRow>>(200, 'GET', `/api/notifications?type=confirmation&status=${status}&pageSize=1`);
      return page.total;
    }),
  );
  return { sent, failed };
}

/**
 * Polls the console's counts until `expected` confirmations are sent or failed. Gives up
 * (answers false) after BENCH_STALL_SECONDS without progress; throws at the run's deadline.
 */
async function waitForSent(api: ApiClient, deadline: Deadline, expected: number, what: string, chatty: boolean): Promise<boolean> {
  let best = -1;
  let lastProgressAt = Date.now();
  let lastSaidAt = Date.now();
  for (let round = 0; round < 100_000; round++) {
    deadline.check(`waiting for the ${what} to be sent`);
    const { sent, failed } = await counts(api).catch(() => ({ sent: best, failed: 0 }));
    if (sent + failed >= expected) return true;
    if (sent + failed > best) {
      best = sent + failed;
      lastProgressAt = Date.now();
    }
    if (Date.now() - lastProgressAt > KNOBS.stallSeconds * 1000) {
      say(`${what}: no progress for ${KNOBS.stallSeconds} s at ${sent} sent + ${failed} failed of ${expected}; reading what there is`);
      return false;
    }
    if (chatty && Date.now() - lastSaidAt > 2000) {
      say(`  waiting: ${sent} sent, ${failed} failed of ${expected}`);
      lastSaidAt = Date.now();
    }
    await sleep(500, deadline.signal);
  }
  return false;
}

/** Reads the console newest first, page by page, and keeps the rows of the given notification ids. */
async function harvest(api: ApiClient, deadline: Deadline, ids: Set<string>): Promise<Map<string, NotificationRow>> {
  const rows = new Map<string, NotificationRow>();
  const pageSize = 200;
  for (let page = 1; page <= 10_000; page++) {
    deadline.check('reading the console');
    const answer = await api.expect<Page<NotificationRow>>(
      200,
      'GET',
      `/api/notifications?type=confirmation&pageSize=${pageSize}&page=${page}`,
    );
    for (const row of answer.items) if (ids.has(row.id)) rows.set(row.id, row);
    if (rows.size >= ids.size || answer.items.length < pageSize || page * pageSize >= answer.total) break;
  }
  return rows;
}

/**
 * What the run cost PostgreSQL per completed confirmation: commits and rows touched in the
 * run's database (all five services share it). Includes the console reads of this
 * benchmark (progress counts and the final read), which are few.
 */
function perConfirmationCounters(before: DatabaseCounters | null, after: DatabaseCounters | null, completed: number) {
  if (!before || !after || !completed) return null;
  const per = (key: Exclude<keyof DatabaseCounters, 'tables'>) => Math.round(((after[key] - before[key]) / completed) * 10) / 10;
  const tables = Object.entries(after.tables)
    .map(([name, counters]) => {
      const earlier = before.tables[name] ?? { seqScans: 0, seqRowsRead: 0, indexScans: 0 };
      return {
        table: name,
        seqScans: counters.seqScans - earlier.seqScans,
        seqRowsRead: counters.seqRowsRead - earlier.seqRowsRead,
        indexScans: counters.indexScans - earlier.indexScans,
      };
    })
    .filter((table) => table.seqScans > 0 || table.indexScans > 0)
    .sort((a, b) => b.seqRowsRead - a.seqRowsRead);
  return {
    commitsPerConfirmation: per('commits'),
    rollbacksPerConfirmation: per('rollbacks'),
    rowsInsertedPerConfirmation: per('inserted'),
    rowsUpdatedPerConfirmation: per('updated'),
    rowsDeletedPerConfirmation: per('deleted'),
    rowsFetchedPerConfirmation: per('fetched'),
    rowsReturnedPerConfirmation: per('returned'),
    /** Tables by rows read in sequential scans during the run (a table scanned in full on a hot path shows here). */
    tables,
  };
}

function errorKey(answer: { status: number }): string {
  return answer.status === 0 ? 'no answer' : answer.status === -1 ? '202 without notificationIds' : String(answer.status);
}

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function summariseErrors(confirmations: Confirmation[]): string {
  const failed = confirmations.filter((c) => c.status !== 202);
  return `${JSON.stringify(countBy(failed.map(errorKey)))}${failed[0] ? `, e.g. ${failed[0].error}` : ''}`;
}

// ---------------------------------------------------------------- report

function ms(value: number | null): string {
  return value === null ? '-' : `${Math.round(value)}`;
}

function latencyRow(label: string, d: Distribution): (string | number)[] {
  return [label, ms(d.min), ms(d.mean), ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max), d.count];
}

function report(result: {
  date: string;
  machine: { cpus: number; cpuModel: string | null; node: string };
  knobs: { events: number; concurrency: number; batch: number; rate: number };
  measuredEvents: number;
  accepted: number;
  completed: number;
  wallSeconds: number | null;
  firingSeconds: number;
  confirmationsPerSecond: number | null;
  channelMode: string;
  notificationsCompleted: number;
  notificationsPerSecond: number | null;
  notificationLatencyMs: Distribution;
  acceptsPerSecond: number | null;
  latencyMs: Distribution;
  acceptLatencyMs: Distribution;
  stageLatencyMs: { acceptToDispatchRow: Distribution; dispatchRowToSent: Distribution };
  errors: {
    total: number;
    http: number;
    notSent: number;
    notFired: number;
    httpByStatus: Record<string, number>;
    notSentByStatus: Record<string, number>;
  };
  cpu: {
    intervalSeconds: number;
    machineBusyPercent: number | null;
    machineStealPercent: number | null;
    infrastructureCpuSeconds: Record<string, number>;
    infrastructureCpuMsPerConfirmation: Record<string, number | null>;
    benchClientCpuSeconds: number;
    benchClientCpuMsPerConfirmation: number | null;
    otherProcessesCpuSeconds: number | null;
  };
  database: ReturnType<typeof perConfirmationCounters>;
  services: {
    name: string;
    pid: number | null;
    rssMiB: number | null;
    peakRssMiB: number | null;
    cpuSecondsDuringRun: number | null;
    cpuMsPerConfirmation: number | null;
  }[];
}) {
  const lines = [
    '',
    `Notifications end to end (${result.date}, ${result.machine.cpus} × ${result.machine.cpuModel}, node ${result.machine.node})`,
    '',
    table(
      ['figure', 'value'],
      [
        ['events (confirmations sent by ' + result.channelMode + ')', result.measuredEvents],
        ['concurrency (requests in flight)', result.knobs.concurrency],
        ['confirmations per request', result.knobs.batch],
        ['offered notifications/s (0: unpaced)', result.knobs.rate],
        ['accepted (202)', result.accepted],
        ['completed (console row sent)', result.completed],
        ['wall time, first request → last sentAt (s)', result.wallSeconds],
        ['notifications completed (console row sent)', result.notificationsCompleted],
        ['notifications/s (end to end)', result.notificationsPerSecond],
        ['confirmations/s (end to end)', result.confirmationsPerSecond],
        ['HTTP accepts/s (202)', result.acceptsPerSecond],
        [
          'errors (HTTP / not sent / not fired)',
          `${result.errors.total} (${result.errors.http} / ${result.errors.notSent} / ${result.errors.notFired})`,
        ],
      ],
    ),
    '',
    table(
      ['latency (ms)', 'min', 'mean', 'p50', 'p90', 'p99', 'max', 'n'],
      [
        latencyRow('request → notification row sent', result.notificationLatencyMs),
        latencyRow('request → last row of the confirmation sent', result.latencyMs),
        latencyRow('  of which request → 202', result.acceptLatencyMs),
        latencyRow('  of which 202 → dispatch row', result.stageLatencyMs.acceptToDispatchRow),
        latencyRow('  of which dispatch row → sent', result.stageLatencyMs.dispatchRowToSent),
      ],
    ),
    '',
    table(
      ['process', 'pid', 'RSS MiB', 'peak RSS MiB', 'CPU s in run', 'CPU ms/confirmation'],
      [
        ...result.services.map((s) => [s.name, s.pid, s.rssMiB, s.peakRssMiB, s.cpuSecondsDuringRun, s.cpuMsPerConfirmation]),
        ...Object.entries(result.cpu.infrastructureCpuSeconds).map(([name, seconds]) => [
          `(infra) ${name}`,
          null,
          null,
          null,
          seconds,
          result.cpu.infrastructureCpuMsPerConfirmation[name] ?? null,
        ]),
        [
          '(this benchmark client)',
          process.pid,
          memoryOf(process.pid)?.rssMiB ?? null,
          memoryOf(process.pid)?.peakRssMiB ?? null,
          result.cpu.benchClientCpuSeconds,
          result.cpu.benchClientCpuMsPerConfirmation,
        ],
      ],
    ),
    '',
    `machine CPU busy during the run: ${result.cpu.machineBusyPercent ?? '-'} % of ${result.machine.cpus} cores over ${result.cpu.intervalSeconds} s ` +
      `(of which steal ${result.cpu.machineStealPercent ?? '-'} %); ` +
      `other processes used ${result.cpu.otherProcessesCpuSeconds ?? '-'} CPU s of it` +
      "\n(infra rows count every process of that name on the machine, also other users' databases and queues)",
  ];
  if (result.database) {
    const d = result.database;
    lines.push(
      `PostgreSQL per confirmation (this run's database): ${d.commitsPerConfirmation} commits, ${d.rollbacksPerConfirmation} rollbacks, ` +
        `rows inserted ${d.rowsInsertedPerConfirmation}, updated ${d.rowsUpdatedPerConfirmation}, deleted ${d.rowsDeletedPerConfirmation}, ` +
        `fetched ${d.rowsFetchedPerConfirmation}, returned ${d.rowsReturnedPerConfirmation}`,
      '',
      table(
        ['table (during the run)', 'seq scans', 'rows read by seq scans', 'index scans'],
        d.tables.slice(0, 8).map((t) => [t.table, t.seqScans, t.seqRowsRead, t.indexScans]),
      ),
    );
  }
  if (result.errors.total) {
    lines.push(
      `errors by HTTP status: ${JSON.stringify(result.errors.httpByStatus)}; not sent by console status: ${JSON.stringify(result.errors.notSentByStatus)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
