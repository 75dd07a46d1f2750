/**
 * Benchmark: customer responses (the customer-responses issue), on one machine.
 *
 * (a) SMS replies: a signed Twilio webhook `POST /webhooks/twilio/sms` with `Body=1` from each
 *     customer's phone, paced at `BENCH_REPLY_RATE` replies per second (open loop). Two figures
 *     per reply: the webhook's own answer time (request sent → TwiML back), and the time from
 *     the request to the event committed as `confirmed` in scheduling's database. The commit is
 *     seen exactly: a trigger the benchmark adds to its own database calls `pg_notify` when an
 *     event becomes confirmed, and PostgreSQL delivers a notification when (and only when) the
 *     transaction commits; the benchmark LISTENs on one connection and timestamps each one.
 * (b) Landing pages: `GET /m/:token` with autocannon, cycling through the customers' own
 *     landing tokens (taken from the local SMS sink), `BENCH_LANDING_CONNECTIONS` connections
 *     for `BENCH_LANDING_SECONDS`.
 *
 * Targets of the issue on the 2-core machine with everything on it: reply → committed p99 ≤ 75 ms
 * and webhook answer p99 ≤ 50 ms at 500 replies/s; landing pages ≥ 3,000 requests/s.
 *
 * Run: `npm run bench:responses` (see bench/README.md).
 */
import type { IsolatedEnvironment } from '../libs/testing/src/isolated-environment';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import twilio from 'twilio';
import { Stack } from '../tools/stack/src/stack';
import { cpuBetween, cpuSnapshot, machineDescription, runBenchmark, runStartedAt, say, writeResult } from './harness';
import { RawHttpClient } from './raw-http';
import { servicesWithSignedInbound } from './signed-inbound';
import {
  ApiClient,
  databaseCostPer,
  databaseCounters,
  Deadline,
  describeDatabaseCost,
  distribution,
  Distribution,
  intFromEnv,
  pool,
  round1,
  autocannonFigures,
  sleep,
  table,
} from './support';

// ---------------------------------------------------------------- knobs

function partsFromEnv(): { sms: boolean; landing: boolean } {
  const value = process.env.BENCH_PARTS ?? 'sms,landing';
  const parts = value.split(',').map((part) => part.trim());
  for (const part of parts)
    if (part !== 'sms' && part !== 'landing') throw new Error(`BENCH_PARTS is a list of sms and landing, not "${value}"`);
  return { sms: parts.includes('sms'), landing: parts.includes('landing') };
}

const KNOBS = {
  /** Customers, each with an event and an open RSVP request by SMS: one measured reply each. */
  replies: intFromEnv('BENCH_REPLIES', 5000, 1, 50_000),
  warmup: intFromEnv('BENCH_WARMUP', 1500, 0, 5000),
  /** Replies per second offered (paced, open loop, as providers deliver them). */
  replyRate: intFromEnv('BENCH_REPLY_RATE', 500, 1, 10_000),
  /** Most webhook requests in flight at once (a request over it waits; then the rate is not met, and the report says so). */
  replyConcurrency: intFromEnv('BENCH_REPLY_CONCURRENCY', 256, 1, 4096),
  landingSeconds: intFromEnv('BENCH_LANDING_SECONDS', 10, 1, 600),
  landingConnections: intFromEnv('BENCH_LANDING_CONNECTIONS', 32, 1, 1024),
  setupConcurrency: intFromEnv('BENCH_SETUP_CONCURRENCY', 32, 1, 256),
  maxSeconds: intFromEnv('BENCH_MAX_SECONDS', 300, 30, 3600),
  stallSeconds: intFromEnv('BENCH_STALL_SECONDS', 20, 5, 600),
  verbose: process.env.BENCH_VERBOSE === '1',
  parts: partsFromEnv(),
};

/** The benchmark's own Twilio auth token: inbound-response checks every webhook's signature with it. */
const TWILIO_AUTH_TOKEN = randomBytes(16).toString('hex');
/** Our sending number, as Twilio would post it in `To`. */
const OUR_NUMBER = '+14155550000';
const CONFIG_KEY = 'rsvp';

interface Customer {
  index: number;
  phone: string;
  eventId: string;
  landingToken: string | null;
}

interface Reply {
  customer: Customer;
  startedAt: number;
  answeredAt: number;
  status: number;
  twiml: string;
  error?: string;
}

// ---------------------------------------------------------------- services

// ---------------------------------------------------------------- setup

async function setUp(api: ApiClient, deadline: Deadline, environment: IsolatedEnvironment): Promise<Customer[]> {
  const databaseUrl = environment.databaseUrl;
  await api.loginAsAdmin(environment.admin);
  const template = await api.expect<{ id: string }>(201, 'POST', '/api/templates', {
    name: 'Bench visit',
    titlePattern: '[{status}] Bench visit with {customerName}',
    customerTitle: 'Your Bench Appointment',
    notificationConfigs: [
      {
        key: CONFIG_KEY,
        type: 'rsvp_request',
        channelMode: 'sms',
        smsBody: 'Hi {{customerName}}, can you make it on {{date}} at {{time}} at {{location}}?',
        buttons: { accept: true, decline: true, reschedule: true, viewDetails: true, addToCalendar: true },
        replyCodes: { enabled: true },
        declineReason: true,
        rescheduleReason: true,
        landing: { subtitle: 'Please let us know', footer: 'Bench Company · 1 Bench Street' },
      },
    ],
  });

  const total = KNOBS.replies + KNOBS.warmup;
  const customers: (Customer | null)[] = new Array(total).fill(null);
  const firstStart = Date.UTC(new Date().getUTCFullYear() + 1, 0, 5, 8, 0, 0);
  const started = Date.now();
  await pool(
    Array.from({ length: total }, (_, index) => index),
    KNOBS.setupConcurrency,
    deadline,
    async (index) => {
      // A valid US mobile number in E.164, one per customer (415 and an exchange of 200-999).
      const phone = `+1415${200 + Math.floor(index / 10_000)}${String(index % 10_000).padStart(4, '0')}`;
      const customer = await api.expect<{ id: string }>(201, 'POST', '/api/customers', {
        name: `Bench Customer ${index + 1}`,
        phone,
        preferredConfirmationMethod: 'sms',
      });
      const start = firstStart + index * 30 * 60_000;
      const event = await api.expect<{ id: string }>(201, 'POST', '/api/events', {
        customerId: customer.id,
        templateId: template.id,
        start: new Date(start).toISOString(),
        end: new Date(start + 45 * 60_000).toISOString(),
        timeZone: 'America/New_York',
        location: `${index + 1} Bench Street, Boston`,
      });
      customers[index] = { index, phone, eventId: event.id, landingToken: null };
    },
  );
  deadline.check('creating customers and events');
  const ready = customers.filter((customer): customer is Customer => customer !== null);
  say(`created ${ready.length} customers and events in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // The RSVP requests, 500 a request: one SMS each, with the landing link and the reply codes.
  const sendStarted = Date.now();
  for (let from = 0; from < ready.length; from += 500) {
    const sends = ready
      .slice(from, from + 500)
      .map((customer) => ({ eventId: customer.eventId, type: 'rsvp_request', configKey: CONFIG_KEY }));
    const answer = await api.expect<{ accepted: number }>(200, 'POST', '/api/notifications/batch', { sends });
    if (answer.accepted !== sends.length) throw new Error(`RSVP requests: ${answer.accepted} of ${sends.length} accepted`);
  }
  // Each customer's landing token, from the local SMS sink, once every SMS is there.
  const byPhone = new Map(ready.map((customer) => [customer.phone, customer]));
  const database = new Client({ connectionString: databaseUrl, application_name: 'bench-setup' });
  await database.connect();
  try {
    for (;;) {
      deadline.check('waiting for the RSVP requests');
      const { rows } = await database.query<{ to_address: string; body: string }>(
        `SELECT to_address, body FROM notification_dispatch.dev_outbox WHERE channel = 'sms'`,
      );
      for (const row of rows) {
        const customer = byPhone.get(row.to_address);
        const token = /\/m\/([A-Za-z0-9_-]+)/.exec(row.body ?? '')?.[1];
        if (customer && token) customer.landingToken = token;
      }
      if (ready.every((customer) => customer.landingToken)) break;
      await sleep(500, deadline.signal);
    }
  } finally {
    await database.end();
  }
  // Quiet before measuring: every console row settled (the sends' tail of outcomes handled).
  for (;;) {
    deadline.check('waiting for the RSVP requests to settle');
    const page = await api.expect<{ total: number }>(200, 'GET', '/api/notifications?type=rsvp_request&status=pending&pageSize=1');
    if (page.total === 0) break;
    await sleep(500, deadline.signal);
  }
  await sleep(2000, deadline.signal); // the outcomes' consumers in scheduling (NotificationSent) run after the rows settle
  say(`${ready.length} RSVP requests sent by SMS in ${((Date.now() - sendStarted) / 1000).toFixed(1)} s`);
  return ready;
}

// ---------------------------------------------------------------- (a) SMS replies

/** Listens for events committed as confirmed (see the file's comment) and notes when each was seen. */
async function watchConfirmations(databaseUrl: string): Promise<{ seen: Map<string, number>; stop: () => Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'bench-listen' });
  await client.connect();
  await client.query(`
    CREATE OR REPLACE FUNCTION public.bench_event_confirmed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('bench_event_confirmed', NEW.id::text);
      RETURN NEW;
    END $$`);
  await client.query(`
    CREATE OR REPLACE TRIGGER bench_event_confirmed AFTER UPDATE OF booking_status ON scheduling.events
    FOR EACH ROW WHEN (NEW.booking_status = 'confirmed' AND OLD.booking_status IS DISTINCT FROM 'confirmed')
    EXECUTE FUNCTION public.bench_event_confirmed()`);
  const seen = new Map<string, number>();
  client.on('notification', (message) => {
    if (message.payload && !seen.has(message.payload)) seen.set(message.payload, Date.now());
  });
  await client.query('LISTEN bench_event_confirmed');
  return {
    seen,
    stop: async () => {
      await client.query('DROP TRIGGER IF EXISTS bench_event_confirmed ON scheduling.events').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** A customer's reply "1", as Twilio would post it: the form and its signature, made before the measured run. */
interface SignedReply {
  customer: Customer;
  body: string;
  signature: string;
}

const SMS_WEBHOOK_PATH = '/webhooks/twilio/sms';

function signReply(inboundUrl: string, customer: Customer): SignedReply {
  const fields = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: customer.phone,
    To: OUR_NUMBER,
    Body: '1',
    NumMedia: '0',
  };
  const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${inboundUrl}${SMS_WEBHOOK_PATH}`, fields);
  return { customer, body: new URLSearchParams(fields).toString(), signature };
}

/**
 * Posts one signed reply, prepared on the wire beforehand (`RawHttpClient`): the load generator
 * shares the machine's two cores with the system under test, so it spends as little CPU per
 * request as it can (node:http costs several times more, fetch more still).
 */
async function reply(client: RawHttpClient, signed: SignedReply, request: Buffer): Promise<Reply> {
  const startedAt = Date.now();
  try {
    const answer = await client.send(request);
    return { customer: signed.customer, startedAt, answeredAt: answer.answeredAt, status: answer.status, twiml: answer.body };
  } catch (error) {
    return { customer: signed.customer, startedAt, answeredAt: Date.now(), status: 0, twiml: '', error: (error as Error).message };
  }
}

async function replyAll(
  inboundUrl: string,
  customers: Customer[],
  deadline: Deadline,
): Promise<{ replies: Reply[]; firingSeconds: number }> {
  const signed = customers.map((customer) => signReply(inboundUrl, customer));
  const url = new URL(inboundUrl);
  const requests = signed.map((one) =>
    RawHttpClient.request(
      'POST',
      SMS_WEBHOOK_PATH,
      url.host,
      { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': one.signature },
      one.body,
    ),
  );
  const client = new RawHttpClient(url.hostname, Number(url.port), KNOBS.replyConcurrency, 15_000);
  const replies: Reply[] = [];
  const started = Date.now();
  try {
    await pool(
      signed,
      KNOBS.replyConcurrency,
      deadline,
      async (one, index) => {
        replies.push(await reply(client, one, requests[index]));
      },
      1000 / KNOBS.replyRate,
    );
  } finally {
    client.close();
  }
  return { replies, firingSeconds: (Date.now() - started) / 1000 };
}

/** Waits until every event answered with 200 is seen confirmed, or nothing moves for `stallSeconds`. */
async function waitForConfirmed(seen: Map<string, number>, expected: Reply[], deadline: Deadline): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  while (!deadline.signal.aborted) {
    const count = expected.filter((r) => seen.has(r.customer.eventId)).length;
    if (count === expected.length) return;
    if (count !== last) {
      last = count;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > KNOBS.stallSeconds * 1000) {
      say(`  no progress for ${KNOBS.stallSeconds} s: ${count}/${expected.length} confirmed`);
      return;
    }
    await sleep(100, deadline.signal);
  }
}

async function measureReplies(stack: Stack, deadline: Deadline, databaseUrl: string, customers: Customer[]) {
  const inboundUrl = stack.url('inbound-response');
  const watcher = await watchConfirmations(databaseUrl);
  try {
    const warm = customers.slice(0, KNOBS.warmup);
    const measured = customers.slice(KNOBS.warmup);
    if (warm.length) {
      const { replies } = await replyAll(inboundUrl, warm, deadline);
      await waitForConfirmed(
        watcher.seen,
        replies.filter((r) => r.status === 200),
        deadline,
      );
      say(`warm-up: ${replies.length} replies`);
    }
    const dbBefore = await databaseCounters(databaseUrl);
    const before = cpuSnapshot(stack);
    const { replies, firingSeconds } = await replyAll(inboundUrl, measured, deadline);
    const answered = replies.filter((r) => r.status === 200);
    await waitForConfirmed(watcher.seen, answered, deadline);
    const after = cpuSnapshot(stack);
    deadline.check('SMS replies');
    // Each backend flushes its counters at most once a second.
    await sleep(1200, deadline.signal);
    const dbAfter = await databaseCounters(databaseUrl);

    const toCommitted: number[] = [];
    let confirmed = 0;
    for (const r of answered) {
      const at = watcher.seen.get(r.customer.eventId);
      if (at !== undefined) {
        confirmed += 1;
        toCommitted.push(at - r.startedAt);
      }
    }
    const firstStart = Math.min(...replies.map((r) => r.startedAt));
    const lastConfirmed = Math.max(0, ...answered.map((r) => watcher.seen.get(r.customer.eventId) ?? 0));
    const twimlConfirmed = answered.filter(
      (r) => /Confirmed/i.test(r.twiml) || /<Response\s*\/>|<Response><\/Response>/.test(r.twiml),
    ).length;
    return {
      offeredPerSecond: KNOBS.replyRate,
      replies: replies.length,
      sentPerSecond: round1(replies.length / firingSeconds),
      answered200: answered.length,
      confirmed,
      confirmedPerSecond: lastConfirmed ? round1(confirmed / ((lastConfirmed - firstStart) / 1000)) : null,
      twimlAnswers: twimlConfirmed,
      errors: {
        http: replies.length - answered.length,
        byStatus: countBy(replies.filter((r) => r.status !== 200).map((r) => String(r.status))),
        samples: replies
          .filter((r) => r.status !== 200)
          .slice(0, 3)
          .map((r) => r.error ?? r.twiml.slice(0, 200)),
        notConfirmed: answered.length - confirmed,
      },
      webhookAnswerMs: distribution(replies.map((r) => r.answeredAt - r.startedAt)),
      replyToCommittedMs: distribution(toCommitted),
      /** Per second of the run (by when the reply was sent): where the slow replies were. */
      bySecond: Array.from({ length: Math.ceil(firingSeconds) }, (_, second) => {
        const inSecond = answered.filter((r) => Math.floor((r.startedAt - firstStart) / 1000) === second);
        const committed = inSecond
          .map((r) => watcher.seen.get(r.customer.eventId))
          .flatMap((at, index) => (at === undefined ? [] : [at - inSecond[index].startedAt]));
        const webhook = distribution(inSecond.map((r) => r.answeredAt - r.startedAt));
        const commit = distribution(committed);
        return {
          second,
          replies: inSecond.length,
          webhookP99: webhook.p99,
          webhookMax: webhook.max,
          committedP99: commit.p99,
          committedMax: commit.max,
        };
      }),
      cpu: cpuBetween(stack, before, after, confirmed),
      database: databaseCostPer(dbBefore, dbAfter, confirmed),
    };
  } finally {
    await watcher.stop();
  }
}

// ---------------------------------------------------------------- (b) landing pages

/**
 * Waits until the services are quiet (together under a tenth of a core for a whole second):
 * the setup's notifications (or the replies) are still being settled for a few seconds after
 * their part returns, and landing pages measured meanwhile would share the machine with them.
 */
async function untilQuiet(stack: Stack, deadline: Deadline): Promise<number> {
  const started = Date.now();
  for (;;) {
    const before = cpuSnapshot(stack);
    await sleep(1000, deadline.signal);
    const used = cpuBetween(stack, before, cpuSnapshot(stack), 1).services.reduce((sum, service) => sum + (service.cpuSeconds ?? 0), 0);
    if (used < 0.1 || Date.now() - started > 60_000) return (Date.now() - started) / 1000;
  }
}

/**
 * Two figures. First views: every customer's page requested once, in turn (`amount`: as many
 * requests as tokens), so each request reads the token from notification-dispatch and the
 * event from scheduling before it renders. Then repeat views for `BENCH_LANDING_SECONDS`,
 * cycling through the same pages: the gateway has each token and event in memory and only
 * renders (the figure: a customer opens the link, comes back, answers, sees the page
 * again).
 */
async function measureLanding(stack: Stack, customers: Customer[], deadline: Deadline) {
  const tokens = customers.map((customer) => customer.landingToken).filter((token): token is string => Boolean(token));
  const quietAfterSeconds = await untilQuiet(stack, deadline);
  let next = 0;
  const requests = [
    {
      method: 'GET' as const,
      setupRequest: (request: autocannon.Request) => ({ ...request, path: `/m/${tokens[next++ % tokens.length]}` }),
    },
  ];
  const beforeFirst = cpuSnapshot(stack);
  const first = await autocannon({ url: stack.gatewayUrl, connections: KNOBS.landingConnections, amount: tokens.length, requests });
  const afterFirst = cpuSnapshot(stack);
  const before = cpuSnapshot(stack);
  const repeat = await autocannon({
    url: stack.gatewayUrl,
    connections: KNOBS.landingConnections,
    duration: KNOBS.landingSeconds,
    requests,
  });
  const after = cpuSnapshot(stack);
  return {
    tokens: tokens.length,
    connections: KNOBS.landingConnections,
    seconds: KNOBS.landingSeconds,
    quietAfterSeconds: round1(quietAfterSeconds),
    firstViews: { ...autocannonFigures(first), cpu: cpuBetween(stack, beforeFirst, afterFirst, first.requests.total) },
    ...autocannonFigures(repeat),
    cpu: cpuBetween(stack, before, after, repeat.requests.total),
  };
}

// ---------------------------------------------------------------- report

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function latencyRow(label: string, d: Distribution): (string | number | null)[] {
  const ms = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return [label, ms(d.min), ms(d.mean), ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max), d.count];
}

function cpuRows(cpu: ReturnType<typeof cpuBetween>, unit: string): string {
  return [
    table(
      ['process', `CPU s`, `CPU ms/${unit}`],
      [
        ...cpu.services.map((s) => [s.name, s.cpuSeconds, s.cpuMsPerUnit]),
        ...Object.entries(cpu.infrastructureCpuSeconds).map(([name, seconds]) => [
          `(infra) ${name}`,
          seconds,
          cpu.infrastructureCpuMsPerUnit[name] ?? null,
        ]),
        ['(this benchmark client)', cpu.benchClientCpuSeconds, cpu.benchClientCpuMsPerUnit],
      ],
    ),
    `machine CPU busy: ${cpu.machineBusyPercent ?? '-'} % over ${cpu.intervalSeconds} s (steal ${cpu.machineStealPercent ?? '-'} %); ` +
      `other processes used ${cpu.otherProcessesCpuSeconds ?? '-'} CPU s of it`,
  ].join('\n');
}

function report(result: {
  sms: Awaited<ReturnType<typeof measureReplies>> | null;
  landing: Awaited<ReturnType<typeof measureLanding>> | null;
}) {
  const lines: string[] = ['', `Customer responses (${new Date(runStartedAt).toISOString()})`];
  const { sms, landing } = result;
  if (sms) {
    lines.push(
      '',
      '(a) SMS reply "1" → event committed as confirmed',
      table(
        ['figure', 'value'],
        [
          ['replies offered/s (paced)', sms.offeredPerSecond],
          ['replies sent/s (achieved)', sms.sentPerSecond],
          ['replies (measured)', sms.replies],
          ['answered 200 (TwiML)', sms.answered200],
          ['events committed confirmed', sms.confirmed],
          ['confirmations/s', sms.confirmedPerSecond],
          ['errors (HTTP / not confirmed)', `${sms.errors.http} / ${sms.errors.notConfirmed}`],
        ],
      ),
      '',
      table(
        ['latency (ms)', 'min', 'mean', 'p50', 'p90', 'p99', 'max', 'n'],
        [
          latencyRow('webhook answer (request → TwiML)', sms.webhookAnswerMs),
          latencyRow('request → committed confirmed', sms.replyToCommittedMs),
        ],
      ),
      '',
      table(
        ['second of the run', 'replies', 'webhook p99', 'webhook max', 'committed p99', 'committed max'],
        sms.bySecond.map((s) => [`+${s.second} s`, s.replies, s.webhookP99, s.webhookMax, s.committedP99, s.committedMax]),
      ),
      '',
      cpuRows(sms.cpu, 'reply'),
      ...(sms.database ? [`PostgreSQL per reply (this run's database, measured replies only): ${describeDatabaseCost(sms.database)}`] : []),
    );
    if (sms.errors.http) lines.push(`errors by status: ${JSON.stringify(sms.errors.byStatus)}; e.g. ${JSON.stringify(sms.errors.samples)}`);
  }
  if (landing) {
    const f = landing.firstViews;
    lines.push(
      '',
      `(b) Landing pages GET /m/:token (autocannon, ${landing.connections} connections, ${landing.tokens} tokens; started once the services were quiet, after ${landing.quietAfterSeconds} s)`,
      table(
        ['figure', `repeat views (${landing.seconds} s)`, 'first views (each page once)'],
        [
          ['requests/s', landing.requestsPerSecond, f.requestsPerSecond],
          ['requests', landing.requests, f.requests],
          [
            '2xx / non-2xx / errors / timeouts',
            `${landing.ok2xx} / ${landing.non2xx} / ${landing.errors} / ${landing.timeouts}`,
            `${f.ok2xx} / ${f.non2xx} / ${f.errors} / ${f.timeouts}`,
          ],
          [
            'latency p50 / p90 / p99 / max (ms)',
            `${landing.latencyMs.p50} / ${landing.latencyMs.p90} / ${landing.latencyMs.p99} / ${landing.latencyMs.max}`,
            `${f.latencyMs.p50} / ${f.latencyMs.p90} / ${f.latencyMs.p99} / ${f.latencyMs.max}`,
          ],
          ['bytes per response', landing.bytesPerResponse, f.bytesPerResponse],
        ],
      ),
      '',
      'repeat views:',
      cpuRows(landing.cpu, 'request'),
      '',
      'first views:',
      cpuRows(f.cpu, 'request'),
    );
  }

  process.stdout.write(`${lines.join('\n')}\n\n`);
}

// ---------------------------------------------------------------- the run

runBenchmark({
  name: 'responses',
  maxSeconds: KNOBS.maxSeconds,
  verbose: KNOBS.verbose,
  banner:
    `parts=${[KNOBS.parts.sms && 'sms', KNOBS.parts.landing && 'landing'].filter(Boolean).join(',')} replies=${KNOBS.replies} ` +
    `rate=${KNOBS.replyRate}/s warmup=${KNOBS.warmup} landing=${KNOBS.landingConnections} connections × ${KNOBS.landingSeconds} s`,
  startServices: servicesWithSignedInbound(TWILIO_AUTH_TOKEN),
  measure: async ({ stack, environment, deadline }) => {
    const api = new ApiClient(stack.gatewayUrl, deadline);
    const customers = await setUp(api, deadline, environment);
    const sms = KNOBS.parts.sms ? await measureReplies(stack, deadline, environment.databaseUrl, customers) : null;
    const landing = KNOBS.parts.landing ? await measureLanding(stack, customers, deadline) : null;
    const result = {
      benchmark: 'responses',
      date: new Date(runStartedAt).toISOString(),
      machine: machineDescription(),
      knobs: KNOBS,
      sms,
      landing,
    };
    report(result);
    writeResult('responses', result);
    const smsOk = !sms || (sms.errors.http === 0 && sms.errors.notConfirmed === 0);
    const landingOk =
      !landing || (landing.non2xx === 0 && landing.errors === 0 && landing.firstViews.non2xx === 0 && landing.firstViews.errors === 0);
    return smsOk && landingOk;
  },
});
