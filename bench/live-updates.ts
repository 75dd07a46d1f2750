/**
 * Benchmark: live updates of the staff app (issue 16), on one machine.
 *
 * `BENCH_STREAMS` signed-in staff streams (`GET /api/live`, Server-Sent Events, as many open
 * event pages) are open on the gateway. Customers then answer their RSVP requests on the
 * landing page, one after another (`POST /m/:token/accept`, as a browser posts the form).
 * For each answer the figure is the time from the form post being sent to each stream
 * receiving the `event_changed` of that event: every answer gives `BENCH_STREAMS` samples.
 * The path measured is the whole one: gateway → scheduling (RPC) → the response applied and
 * `ResponseApplied` published through the outbox → RabbitMQ → the gateway's own feed queue →
 * every open stream.
 *
 * Target of the issue: p99 at most 1 s with 200 open streams.
 *
 * Run: `npm run bench:live` (knobs: BENCH_STREAMS, BENCH_ANSWERS, BENCH_MAX_SECONDS,
 * BENCH_VERBOSE=1).
 */
import { Client } from 'pg';
import { cpuBetween, cpuSnapshot, machineDescription, runBenchmark, say, writeResult } from './harness';
import { LiveStream } from './live-stream';
import { ApiClient, Deadline, distribution, intFromEnv, memoryOf, round1, sleep, table } from './support';

const KNOBS = {
  streams: intFromEnv('BENCH_STREAMS', 200, 1, 5_000),
  answers: intFromEnv('BENCH_ANSWERS', 100, 1, 10_000),
  maxSeconds: intFromEnv('BENCH_MAX_SECONDS', 600, 60, 7_200),
  verbose: process.env.BENCH_VERBOSE === '1',
};

/** How long one answer may take to reach every stream before the run counts it as missed. */
const ANSWER_TIMEOUT_MS = 10_000;
const CONFIG_KEY = 'rsvp';

interface Invitation {
  eventId: string;
  landingToken: string;
}

// ---------------------------------------------------------------- setup

async function setUp(api: ApiClient, databaseUrl: string, deadline: Deadline): Promise<Invitation[]> {
  const template = await api.expect<{ id: string }>(201, 'POST', '/api/templates', {
    name: 'Live bench visit',
    titlePattern: '[{status}] Live bench visit with {customerName}',
    customerTitle: 'Your visit',
    notificationConfigs: [
      {
        key: CONFIG_KEY,
        type: 'rsvp_request',
        channelMode: 'email',
        emailSubject: 'Will you come on {{date}}?',
        emailBody: '<p>Hello {{customerName}}, please answer for {{date}} at {{time}}.</p>',
        buttons: { accept: true, decline: true, reschedule: false, viewDetails: true, addToCalendar: false },
      },
    ],
  });
  const firstStart = Date.UTC(new Date().getUTCFullYear() + 1, 0, 5, 8, 0, 0);
  const eventIds: string[] = [];
  for (let index = 0; index < KNOBS.answers; index++) {
    deadline.check('creating customers and events');
    const customer = await api.expect<{ id: string }>(201, 'POST', '/api/customers', {
      name: `Live Customer ${index + 1}`,
      email: `live-${index + 1}@example.test`,
    });
    const start = firstStart + index * 60 * 60_000;
    const event = await api.expect<{ id: string }>(201, 'POST', '/api/events', {
      customerId: customer.id,
      templateId: template.id,
      start: new Date(start).toISOString(),
      end: new Date(start + 30 * 60_000).toISOString(),
      timeZone: 'Europe/Paris',
    });
    eventIds.push(event.id);
  }
  for (let from = 0; from < eventIds.length; from += 500) {
    const sends = eventIds.slice(from, from + 500).map((eventId) => ({ eventId, type: 'rsvp_request', configKey: CONFIG_KEY }));
    const answer = await api.expect<{ accepted: number }>(200, 'POST', '/api/notifications/batch', { sends });
    if (answer.accepted !== sends.length) throw new Error(`RSVP requests: ${answer.accepted} of ${sends.length} accepted`);
  }
  // Each event's landing token, from the local email sink, as the customer reads it in the email.
  const tokens = new Map<string, string>();
  const database = new Client({ connectionString: databaseUrl, application_name: 'bench-setup' });
  await database.connect();
  try {
    while (tokens.size < eventIds.length) {
      deadline.check('waiting for the RSVP emails');
      const { rows } = await database.query<{ event_id: string; html: string | null }>(
        `SELECT n.event_id, o.html FROM notification_dispatch.dev_outbox o
           JOIN notification_dispatch.notifications n ON n.id = o.notification_id
          WHERE o.channel = 'email'`,
      );
      for (const row of rows) {
        const token = /\/m\/([A-Za-z0-9_-]+)/.exec(row.html ?? '')?.[1];
        if (token) tokens.set(row.event_id, token);
      }
      if (tokens.size < eventIds.length) await sleep(300, deadline.signal);
    }
  } finally {
    await database.end();
  }
  return eventIds.map((eventId) => ({ eventId, landingToken: tokens.get(eventId)! }));
}

// ---------------------------------------------------------------- the streams

// ---------------------------------------------------------------- one answer

/** The customer's answer as a browser sends it: the landing page, then its form with the page's form token. */
async function answer(gatewayUrl: string, token: string): Promise<number> {
  const page = await fetch(`${gatewayUrl}/m/${token}`);
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !csrf) throw new Error(`GET /m/… answered ${page.status} without a form token`);
  const sentAt = performance.now();
  const posted = await fetch(`${gatewayUrl}/m/${token}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ _csrf: csrf }).toString(),
    redirect: 'manual',
  });
  if (posted.status >= 400) throw new Error(`POST /m/…/accept answered ${posted.status}`);
  return sentAt;
}

// ---------------------------------------------------------------- the run

runBenchmark({
  name: 'live',
  maxSeconds: KNOBS.maxSeconds,
  verbose: KNOBS.verbose,
  banner: `live updates: ${KNOBS.streams} open streams, ${KNOBS.answers} customer answers one after another`,
  measure: async ({ stack, environment, deadline }) => {
    const api = new ApiClient(stack.gatewayUrl, deadline);
    await api.loginAsAdmin(environment.admin);
    const invitations = await setUp(api, environment.databaseUrl, deadline);
    say(`${invitations.length} RSVP requests sent; opening ${KNOBS.streams} streams`);

    // Per answered event: when the answer was sent, and when each stream saw it.
    const sentAt = new Map<string, number>();
    const seenAt = new Map<string, number[]>();
    let waiting: { eventId: string; resolve: () => void } | null = null;
    const onEvent = (name: string, data: Record<string, unknown>, at: number) => {
      const eventId = data.eventId as string;
      if (name !== 'event_changed' || !sentAt.has(eventId)) return; // an earlier change (the RSVP request's own), not the answer
      const seen = seenAt.get(eventId)!;
      seen.push(at);
      if (waiting?.eventId === eventId && seen.length === KNOBS.streams) waiting.resolve();
    };
    const streams = Array.from({ length: KNOBS.streams }, () => new LiveStream(`${stack.gatewayUrl}/api/live`, api.token!, onEvent));
    await Promise.all(streams.map((stream) => stream.open()));
    const before = cpuSnapshot(stack);
    const gatewayPid = stack.services.find((service) => service.spec.name === 'gateway')?.process.pid;

    const latencies: number[] = [];
    let missed = 0;
    try {
      for (const invitation of invitations) {
        deadline.check('answering');
        seenAt.set(invitation.eventId, []);
        const everyStream = new Promise<void>((resolve) => (waiting = { eventId: invitation.eventId, resolve }));
        sentAt.set(invitation.eventId, Number.POSITIVE_INFINITY); // collecting from before the post; filtered below
        sentAt.set(invitation.eventId, await answer(stack.gatewayUrl, invitation.landingToken));
        const timedOut = await Promise.race([everyStream.then(() => false), sleep(ANSWER_TIMEOUT_MS, deadline.signal).then(() => true)]);
        // Only what arrived after the post counts (a late copy of an earlier change of the event does not).
        const sent = sentAt.get(invitation.eventId)!;
        const seen = seenAt.get(invitation.eventId)!.filter((at) => at >= sent);
        missed += KNOBS.streams - Math.min(seen.length, KNOBS.streams);
        for (const at of seen.slice(0, KNOBS.streams)) latencies.push(at - sent);
        if (timedOut) say(`event ${invitation.eventId}: ${seen.length} of ${KNOBS.streams} streams within ${ANSWER_TIMEOUT_MS} ms`);
      }
    } finally {
      for (const stream of streams) stream.close();
    }
    const cpu = cpuBetween(stack, before, cpuSnapshot(stack), invitations.length);
    const d = distribution(latencies.sort((a, b) => a - b));
    const ms = (value: number | null) => (value === null ? null : round1(value));
    const result = {
      machine: machineDescription(),
      streams: KNOBS.streams,
      answers: invitations.length,
      samples: latencies.length,
      missed,
      latencyMs: { min: ms(d.min), mean: ms(d.mean), p50: ms(d.p50), p90: ms(d.p90), p99: ms(d.p99), max: ms(d.max) },
      gatewayMemory: memoryOf(gatewayPid),
      cpu,
    };
    process.stdout.write(
      `\nLive updates: customer answer (landing page) → event_changed on each open stream\n` +
        table(
          ['streams', 'answers', 'samples', 'missed', 'min ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
          [[KNOBS.streams, invitations.length, latencies.length, missed, ms(d.min), ms(d.p50), ms(d.p90), ms(d.p99), ms(d.max)]],
        ) +
        `\ngateway RSS ${result.gatewayMemory?.rssMiB ?? '?'} MiB (peak ${result.gatewayMemory?.peakRssMiB ?? '?'} MiB); ` +
        `target p99 ≤ 1000 ms: ${d.p99 !== null && d.p99 <= 1000 && missed === 0 ? 'met' : 'NOT met'}\n`,
    );
    writeResult('live', result);
    return missed === 0;
  },
});
