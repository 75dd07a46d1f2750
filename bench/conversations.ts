/**
 * Benchmark: two-way SMS conversations (issue 17), on one machine.
 *
 * (a) The inbox: `BENCH_CONVERSATIONS` conversations (10,000) holding `BENCH_MESSAGES` messages
 *     (1,000,000), seeded straight into notification-dispatch's schema in SQL (a third of the
 *     numbers unread for the staff member), then `GET /api/conversations` (first pages and
 *     pages by cursor, a search) `BENCH_LIST_REQUESTS` times, a few in flight: p99 of the answer.
 *     Target: p99 ≤ 50 ms.
 * (b) The live inbox: `BENCH_STREAMS` (500) open staff streams (`GET /api/live`, Bearer), then
 *     `BENCH_SMS_RATE` (100) inbound SMS per second for `BENCH_SMS_SECONDS` through Twilio's
 *     signed webhook, from numbers with nothing open: the time from each post to its
 *     `inbound_sms` on every stream (webhook → inbound-response → outbox → notification-dispatch
 *     stores it → `ConversationMessageAdded` → every gateway feed → every stream), and the
 *     webhook's answer. Targets: visible on every stream p99 ≤ 1 s, webhook p99 ≤ 50 ms.
 *
 * Run: `npm run bench:conversations` (knobs below; BENCH_PARTS=inbox,live).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import twilio from 'twilio';
import { Stack } from '../tools/stack/src/stack';
import { cpuBetween, cpuSnapshot, machineDescription, runBenchmark, say, writeResult } from './harness';
import { LiveStream } from './live-stream';
import { RawHttpClient } from './raw-http';
import { servicesWithSignedInbound } from './signed-inbound';
import { ApiClient, Deadline, distribution, intFromEnv, pool, round1, sleep, table } from './support';

const PARTS = new Set((process.env.BENCH_PARTS ?? 'inbox,live').split(',').map((part) => part.trim()));
const KNOBS = {
  conversations: intFromEnv('BENCH_CONVERSATIONS', 10_000, 10, 1_000_000),
  messages: intFromEnv('BENCH_MESSAGES', 1_000_000, 10, 50_000_000),
  listRequests: intFromEnv('BENCH_LIST_REQUESTS', 2_000, 10, 100_000),
  listConcurrency: intFromEnv('BENCH_LIST_CONCURRENCY', 4, 1, 64),
  streams: intFromEnv('BENCH_STREAMS', 500, 1, 5_000),
  smsRate: intFromEnv('BENCH_SMS_RATE', 100, 1, 2_000),
  smsSeconds: intFromEnv('BENCH_SMS_SECONDS', 10, 1, 600),
  maxSeconds: intFromEnv('BENCH_MAX_SECONDS', 900, 60, 7_200),
  verbose: process.env.BENCH_VERBOSE === '1',
};

const TWILIO_AUTH_TOKEN = randomBytes(16).toString('hex');
const OUR_NUMBER = '+15005550006';
const SMS_WEBHOOK_PATH = '/webhooks/twilio/sms';
/** How long after the last SMS the run waits for the streams to see the stragglers. */
const DRAIN_MS = 10_000;

// ---------------------------------------------------------------- (a) the inbox

/** The bench's numbers: +1 555 followed by seven digits, one per conversation. */
const phoneOf = (index: number) => `+1555${String(1_000_000 + index).slice(1)}`;

async function seedInbox(databaseUrl: string, staffId: string): Promise<number> {
  const started = Date.now();
  const db = new Client({ connectionString: databaseUrl, application_name: 'bench-seed' });
  await db.connect();
  try {
    const perConversation = Math.max(1, Math.floor(KNOBS.messages / KNOBS.conversations));
    // Messages: every number gets `perConversation`, one every 10 minutes going back from a
    // time of its own, alternately inbound and outbound (ms precision, as the services write).
    await db.query(
      `INSERT INTO notification_dispatch.conversation_messages (id, phone, direction, source, body, at, status)
       SELECT gen_random_uuid(), '+1555' || lpad(c::text, 7, '0'),
              CASE WHEN m % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
              CASE WHEN m % 2 = 0 THEN 'customer' ELSE 'staff' END,
              'Message ' || m || ' of conversation ' || c,
              date_trunc('milliseconds', now() - (c * interval '7 seconds') - (m * interval '10 minutes')),
              CASE WHEN m % 2 = 0 THEN 'delivered' ELSE 'sent' END
         FROM generate_series(0, $1::int - 1) AS c, generate_series(0, $2::int - 1) AS m`,
      [KNOBS.conversations, perConversation],
    );
    await db.query(
      `INSERT INTO notification_dispatch.conversations (phone, customer_id, customer_name, customer_checked_at, last_message_id, last_direction, last_body, last_at, last_inbound_at)
       SELECT DISTINCT ON (phone) phone, CASE WHEN right(phone, 1) < '5' THEN gen_random_uuid() END,
              CASE WHEN right(phone, 1) < '5' THEN 'Customer ' || right(phone, 7) END, now(), id, direction, body, at,
              max(at) FILTER (WHERE direction = 'inbound') OVER (PARTITION BY phone)
         FROM notification_dispatch.conversation_messages ORDER BY phone, at DESC, id DESC`,
    );
    // Two numbers in three read by the staff member up to now: a third stay unread.
    await db.query(
      `INSERT INTO notification_dispatch.conversation_reads (staff_id, phone, read_at)
       SELECT $1, phone, now() FROM notification_dispatch.conversations WHERE right(phone, 2)::int % 3 <> 0`,
      [staffId],
    );
    await db.query('ANALYZE notification_dispatch.conversation_messages');
    await db.query('ANALYZE notification_dispatch.conversations');
    await db.query('ANALYZE notification_dispatch.conversation_reads');
    const [{ count }] = (await db.query('SELECT count(*)::int AS count FROM notification_dispatch.conversation_messages')).rows;
    say(`seeded ${KNOBS.conversations} conversations, ${count} messages in ${round1((Date.now() - started) / 1000)} s`);
    return count as number;
  } finally {
    await db.end();
  }
}

async function measureInbox(api: ApiClient, deadline: Deadline) {
  const first = await api.expect<{ items: unknown[]; nextCursor: string | null }>(200, 'GET', '/api/conversations');
  const cursors: string[] = [];
  let cursor = first.nextCursor;
  for (let page = 0; page < 20 && cursor; page++) {
    cursors.push(cursor);
    cursor = (await api.expect<{ nextCursor: string | null }>(200, 'GET', `/api/conversations?cursor=${cursor}`)).nextCursor;
  }
  const paths = [
    '/api/conversations',
    ...cursors.map((one) => `/api/conversations?cursor=${one}`),
    '/api/conversations?unread=true',
    '/api/conversations?search=customer%2012',
    `/api/conversations?search=${encodeURIComponent(phoneOf(4242).slice(0, 9))}`,
  ];
  const timings: number[] = [];
  let errors = 0;
  const requests = Array.from({ length: KNOBS.listRequests }, (_, index) => paths[index % 3 === 0 ? 0 : index % paths.length]);
  await pool(requests, KNOBS.listConcurrency, deadline, async (path) => {
    const started = performance.now();
    const answer = await api.call(path.startsWith('/') ? 'GET' : 'GET', path);
    timings.push(performance.now() - started);
    if (answer.status !== 200) errors++;
  });
  const firstPage = timings.filter((_, index) => index % 3 === 0);
  return { all: distribution([...timings].sort((a, b) => a - b)), first: distribution([...firstPage].sort((a, b) => a - b)), errors };
}

// ---------------------------------------------------------------- (b) the live inbox

async function measureLive(stack: Stack, token: string, deadline: Deadline) {
  const inboundUrl = stack.url('inbound-response');
  const count = KNOBS.smsRate * KNOBS.smsSeconds;
  const sentAt = new Map<string, number>();
  const seen = new Map<string, number[]>();
  const onEvent = (name: string, data: Record<string, unknown>, at: number) => {
    if (name === 'inbound_sms') seen.get(data.body as string)?.push(at);
  };
  const streams = Array.from({ length: KNOBS.streams }, () => new LiveStream(`${stack.gatewayUrl}/api/live`, token, onEvent));
  for (let from = 0; from < streams.length; from += 50) await Promise.all(streams.slice(from, from + 50).map((stream) => stream.open()));
  say(`${streams.length} streams open; ${count} SMS at ${KNOBS.smsRate}/s`);

  const url = new URL(inboundUrl);
  const signed = Array.from({ length: count }, (_, index) => {
    const body = `Bench SMS ${index} ${randomBytes(4).toString('hex')}`;
    const fields = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: `+1666${String(1_000_000 + (index % 5_000)).slice(1)}`,
      To: OUR_NUMBER,
      Body: body,
      NumMedia: '0',
    };
    const signature = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, `${inboundUrl}${SMS_WEBHOOK_PATH}`, fields);
    const request = RawHttpClient.request(
      'POST',
      SMS_WEBHOOK_PATH,
      url.host,
      { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      new URLSearchParams(fields).toString(),
    );
    seen.set(body, []);
    return { body, request };
  });
  const client = new RawHttpClient(url.hostname, Number(url.port), 32, 15_000);
  const webhook: number[] = [];
  let errors = 0;
  const before = cpuSnapshot(stack);
  try {
    await pool(
      signed,
      32,
      deadline,
      async (one) => {
        const started = performance.now();
        sentAt.set(one.body, started);
        try {
          const answer = await client.send(one.request);
          webhook.push(performance.now() - started);
          if (answer.status !== 200) errors++;
        } catch {
          errors++;
        }
      },
      1000 / KNOBS.smsRate,
    );
    const until = Date.now() + DRAIN_MS;
    while (Date.now() < until && [...seen.values()].some((times) => times.length < KNOBS.streams)) await sleep(200, deadline.signal);
  } finally {
    client.close();
    for (const stream of streams) stream.close();
  }
  const cpu = cpuBetween(stack, before, cpuSnapshot(stack), count);
  const visible: number[] = [];
  let missed = 0;
  for (const { body } of signed) {
    const sent = sentAt.get(body) ?? 0;
    const times = seen.get(body)!;
    missed += Math.max(0, KNOBS.streams - times.length);
    for (const at of times) visible.push(at - sent);
  }
  return {
    sms: count,
    errors,
    missed,
    webhook: distribution(webhook.sort((a, b) => a - b)),
    visible: distribution(visible.sort((a, b) => a - b)),
    cpu,
  };
}

// ---------------------------------------------------------------- the run

runBenchmark({
  name: 'conversations',
  maxSeconds: KNOBS.maxSeconds,
  verbose: KNOBS.verbose,
  banner: `conversations: parts ${[...PARTS].join(',')}; inbox ${KNOBS.conversations} conversations / ${KNOBS.messages} messages; live ${KNOBS.streams} streams, ${KNOBS.smsRate} SMS/s × ${KNOBS.smsSeconds} s`,
  startServices: servicesWithSignedInbound(TWILIO_AUTH_TOKEN),
  measure: async ({ stack, environment, deadline }) => {
    const api = new ApiClient(stack.gatewayUrl, deadline);
    await api.loginAsAdmin(environment.admin);
    const me = await api.expect<{ staff: { id: string } }>(200, 'GET', '/api/auth/session');
    const ms = (value: number | null) => (value === null ? null : round1(value));
    const result: Record<string, unknown> = { machine: machineDescription() };
    let ok = true;

    if (PARTS.has('inbox')) {
      const seeded = await seedInbox(environment.databaseUrl, me.staff.id);
      const inbox = await measureInbox(api, deadline);
      result.inbox = { conversations: KNOBS.conversations, messages: seeded, requests: KNOBS.listRequests, ...inbox };
      process.stdout.write(
        `\n(a) GET /api/conversations with ${KNOBS.conversations} conversations, ${seeded} messages (${KNOBS.listConcurrency} in flight)\n` +
          table(
            ['requests', 'errors', 'min ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
            [
              ['all', inbox.errors, ms(inbox.all.min), ms(inbox.all.p50), ms(inbox.all.p90), ms(inbox.all.p99), ms(inbox.all.max)],
              ['first page', '', ms(inbox.first.min), ms(inbox.first.p50), ms(inbox.first.p90), ms(inbox.first.p99), ms(inbox.first.max)],
            ],
          ) +
          `\ntarget p99 ≤ 50 ms: ${inbox.all.p99 !== null && inbox.all.p99 <= 50 ? 'met' : 'NOT met'}\n`,
      );
      ok &&= inbox.errors === 0;
    }

    if (PARTS.has('live')) {
      const live = await measureLive(stack, api.token!, deadline);
      result.live = live;
      process.stdout.write(
        `\n(b) ${live.sms} inbound SMS at ${KNOBS.smsRate}/s with ${KNOBS.streams} open streams\n` +
          table(
            ['figure', 'samples', 'min ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
            [
              [
                'webhook answer',
                live.webhook.count,
                ms(live.webhook.min),
                ms(live.webhook.p50),
                ms(live.webhook.p90),
                ms(live.webhook.p99),
                ms(live.webhook.max),
              ],
              [
                'post → inbound_sms on a stream',
                live.visible.count,
                ms(live.visible.min),
                ms(live.visible.p50),
                ms(live.visible.p90),
                ms(live.visible.p99),
                ms(live.visible.max),
              ],
            ],
          ) +
          `\nerrors ${live.errors}, stream deliveries missed ${live.missed}; CPU ${JSON.stringify(live.cpu)}\n` +
          `targets: visible p99 ≤ 1000 ms ${live.visible.p99 !== null && live.visible.p99 <= 1000 && live.missed === 0 ? 'met' : 'NOT met'}; ` +
          `webhook p99 ≤ 50 ms ${live.webhook.p99 !== null && live.webhook.p99 <= 50 ? 'met' : 'NOT met'}\n`,
      );
      ok &&= live.errors === 0;
    }
    writeResult('conversations', result);
    return ok;
  },
});
