/**
 * Benchmark: staff logins and what password guessing costs everyone else (security issue, item 3).
 *
 * (a) Logins per second: successful `POST /api/auth/login` as the run's admin, a closed loop of
 *     `BENCH_LOGIN_CONCURRENCY` for `BENCH_LOGIN_SECONDS`. Each one hashes the password once
 *     (scrypt on libuv's thread pool since item 3; bcryptjs on the event loop before).
 * (b) Landing pages while someone guesses passwords: `GET /m/:token` with autocannon at a paced
 *     `BENCH_LANDING_RATE` requests per second for `BENCH_LANDING_SECONDS`, first alone, then while
 *     `BENCH_GUESSERS` clients, each from an address of its own (127.0.0.x), post wrong passwords
 *     for the admin as fast as they are answered. The figure is the landing pages' p99 with and
 *     without the guessing.
 *
 * The throttle's limits are raised for the run (`LOGIN_MAX_*`), so that every guess costs a hash:
 * the worst case, a guesser with many addresses; with the default limits an address is refused
 * after 10 guesses of one email, and a refused guess costs no hash.
 *
 * Run: `npm run bench:login` (see bench/README.md).
 */
import autocannon from 'autocannon';
import { Agent, request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { startStack } from '../tools/stack/src/stack';
import { cpuBetween, cpuSnapshot, machineDescription, runBenchmark, runStartedAt, say, writeResult } from './harness';
import { ApiClient, autocannonFigures, Deadline, distribution, Distribution, intFromEnv, round1, sleep, table } from './support';

// ---------------------------------------------------------------- knobs

const KNOBS = {
  loginSeconds: intFromEnv('BENCH_LOGIN_SECONDS', 10, 1, 600),
  loginConcurrency: intFromEnv('BENCH_LOGIN_CONCURRENCY', 8, 1, 256),
  landingSeconds: intFromEnv('BENCH_LANDING_SECONDS', 10, 1, 600),
  landingRate: intFromEnv('BENCH_LANDING_RATE', 200, 1, 100_000),
  landingConnections: intFromEnv('BENCH_LANDING_CONNECTIONS', 8, 1, 1024),
  guessers: intFromEnv('BENCH_GUESSERS', 4, 1, 200),
  maxSeconds: intFromEnv('BENCH_MAX_SECONDS', 180, 30, 3600),
  verbose: process.env.BENCH_VERBOSE === '1',
};

/** Every guess and every login costs a hash during the run (see the header). */
const UNTHROTTLED = { LOGIN_MAX_FAILURES: '1000000', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000000' };

// ---------------------------------------------------------------- setup

/** One customer with an RSVP request by SMS: its landing token, read from the local SMS sink. */
async function landingToken(api: ApiClient, databaseUrl: string, deadline: Deadline): Promise<string> {
  const template = await api.expect<{ id: string }>(201, 'POST', '/api/templates', {
    name: 'Bench visit',
    titlePattern: '[{status}] Bench visit with {customerName}',
    customerTitle: 'Your Bench Appointment',
    notificationConfigs: [
      {
        key: 'rsvp',
        type: 'rsvp_request',
        channelMode: 'sms',
        smsBody: 'Hi {{customerName}}, can you make it on {{date}} at {{time}} at {{location}}?',
        buttons: { accept: true, decline: true, reschedule: true, viewDetails: true, addToCalendar: true },
        replyCodes: { enabled: true },
        landing: { subtitle: 'Please let us know', footer: 'Bench Company · 1 Bench Street' },
      },
    ],
  });
  const customer = await api.expect<{ id: string }>(201, 'POST', '/api/customers', {
    name: 'Bench Customer',
    phone: '+14155550123',
    preferredConfirmationMethod: 'sms',
  });
  const start = Date.UTC(new Date().getUTCFullYear() + 1, 0, 5, 15, 0, 0);
  const event = await api.expect<{ id: string }>(201, 'POST', '/api/events', {
    customerId: customer.id,
    templateId: template.id,
    start: new Date(start).toISOString(),
    end: new Date(start + 45 * 60_000).toISOString(),
    timeZone: 'America/New_York',
    location: '1 Bench Street, Boston',
  });
  await api.expect(200, 'POST', '/api/notifications/batch', { sends: [{ eventId: event.id, type: 'rsvp_request', configKey: 'rsvp' }] });
  const database = new Client({ connectionString: databaseUrl, application_name: 'bench-setup' });
  await database.connect();
  try {
    for (;;) {
      deadline.check('waiting for the RSVP request');
      const { rows } = await database.query<{ body: string }>(`SELECT body FROM notification_dispatch.dev_outbox WHERE channel = 'sms'`);
      const token = rows.map((row) => /\/m\/([A-Za-z0-9_-]+)/.exec(row.body ?? '')?.[1]).find(Boolean);
      if (token) return token;
      await sleep(200, deadline.signal);
    }
  } finally {
    await database.end();
  }
}

// ---------------------------------------------------------------- (a) logins per second

async function measureLogins(api: ApiClient, admin: { email: string; password: string }, deadline: Deadline) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const endAt = Date.now() + KNOBS.loginSeconds * 1000;
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: KNOBS.loginConcurrency }, async () => {
      while (Date.now() < endAt) {
        deadline.check('logging in');
        const sent = performance.now();
        const answer = await api.call('POST', '/api/auth/login', admin);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status === 200) latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (Date.now() - startedAt) / 1000;
  return {
    seconds: round1(seconds),
    logins: latencies.length,
    loginsPerSecond: round1(latencies.length / seconds),
    statuses,
    latencyMs: rounded(distribution(latencies)),
  };
}

// ---------------------------------------------------------------- (b) landing pages while guessing

/** Guessers, each from its own loopback address, posting wrong passwords until `stop` is aborted. */
function guess(gatewayUrl: string, email: string, stop: AbortSignal) {
  const url = new URL('/api/auth/login', gatewayUrl);
  const statuses: Record<string, number> = {};
  let guesses = 0;
  const body = JSON.stringify({ email, password: 'not-the-password' });
  const once = (agent: Agent, localAddress: string) =>
    new Promise<number>((resolve) => {
      const outgoing = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          localAddress,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: 30_000,
        },
        (incoming) => {
          incoming.resume();
          incoming.on('end', () => resolve(incoming.statusCode ?? 0));
        },
      );
      outgoing.on('timeout', () => outgoing.destroy());
      outgoing.on('error', () => resolve(0));
      outgoing.end(body);
    });
  const startedAt = Date.now();
  const done = Promise.all(
    Array.from({ length: KNOBS.guessers }, async (_, index) => {
      const localAddress = `127.0.1.${10 + index}`;
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (!stop.aborted) {
          const status = await once(agent, localAddress);
          statuses[status] = (statuses[status] ?? 0) + 1;
          guesses += 1;
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  return {
    finished: async () => {
      await done;
      const seconds = (Date.now() - startedAt) / 1000;
      return { guessers: KNOBS.guessers, guesses, guessesPerSecond: round1(guesses / seconds), statuses };
    },
  };
}

async function landing(gatewayUrl: string, token: string) {
  const result = await autocannon({
    url: `${gatewayUrl}/m/${token}`,
    connections: KNOBS.landingConnections,
    overallRate: KNOBS.landingRate,
    duration: KNOBS.landingSeconds,
  });
  return autocannonFigures(result);
}

// ---------------------------------------------------------------- report

function rounded(d: Distribution): Distribution {
  const r = (value: number | null) => (value === null ? null : round1(value));
  return { count: d.count, min: r(d.min), mean: r(d.mean), p50: r(d.p50), p90: r(d.p90), p99: r(d.p99), max: r(d.max) };
}

type LandingFigures = Awaited<ReturnType<typeof landing>>;

function report(result: {
  logins: Awaited<ReturnType<typeof measureLogins>>;
  loginCpu: ReturnType<typeof cpuBetween>;
  alone: LandingFigures;
  guessing: LandingFigures;
  guesses: { guessers: number; guesses: number; guessesPerSecond: number; statuses: Record<string, number> };
}) {
  const { logins, alone, guessing, guesses } = result;
  const gateway = result.loginCpu.services.find((service) => service.name === 'gateway');
  const landingRow = (label: string, f: LandingFigures) => [
    label,
    f.requestsPerSecond,
    f.latencyMs.p50,
    f.latencyMs.p90,
    f.latencyMs.p99,
    f.latencyMs.max,
    `${f.non2xx} / ${f.errors} / ${f.timeouts}`,
  ];
  const lines = [
    '',
    `Staff logins (${new Date(runStartedAt).toISOString()})`,
    '',
    `(a) successful logins, ${KNOBS.loginConcurrency} at a time for ${logins.seconds} s`,
    table(
      ['figure', 'value'],
      [
        ['logins/s', logins.loginsPerSecond],
        ['logins', logins.logins],
        ['answers by status', JSON.stringify(logins.statuses)],
        [
          'latency p50 / p90 / p99 / max (ms)',
          `${logins.latencyMs.p50} / ${logins.latencyMs.p90} / ${logins.latencyMs.p99} / ${logins.latencyMs.max}`,
        ],
        ['gateway CPU ms per login', gateway?.cpuMsPerUnit ?? null],
      ],
    ),
    '',
    `(b) landing pages GET /m/:token at ${KNOBS.landingRate}/s (${KNOBS.landingConnections} connections, ${KNOBS.landingSeconds} s), alone and while ${guesses.guessers} guessers post wrong passwords`,
    table(
      ['', 'requests/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx / errors / timeouts'],
      [landingRow('alone', alone), landingRow('while guessing', guessing)],
    ),
    `guesses: ${guesses.guesses} (${guesses.guessesPerSecond}/s), answers by status ${JSON.stringify(guesses.statuses)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

// ---------------------------------------------------------------- the run

runBenchmark({
  name: 'login',
  maxSeconds: KNOBS.maxSeconds,
  verbose: KNOBS.verbose,
  banner:
    `logins: ${KNOBS.loginConcurrency} at a time × ${KNOBS.loginSeconds} s; landing: ${KNOBS.landingRate}/s × ${KNOBS.landingSeconds} s ` +
    `alone and with ${KNOBS.guessers} guessers`,
  startServices: (env, onLine, startTimeoutMs) => startStack({ freePorts: true, env: { ...env, ...UNTHROTTLED }, onLine, startTimeoutMs }),
  measure: async ({ stack, environment, deadline }) => {
    const api = new ApiClient(stack.gatewayUrl, deadline);
    await api.loginAsAdmin(environment.admin);
    const token = await landingToken(api, environment.databaseUrl, deadline);
    // Warm-up: the landing page's token and event in the gateway's memory, and a few logins.
    await landing(stack.gatewayUrl, token);
    for (let login = 0; login < 3; login++) await api.call('POST', '/api/auth/login', environment.admin);

    say('(a) logins');
    const before = cpuSnapshot(stack);
    const logins = await measureLogins(api, environment.admin, deadline);
    const loginCpu = cpuBetween(stack, before, cpuSnapshot(stack), logins.logins);

    say('(b) landing pages alone');
    const alone = await landing(stack.gatewayUrl, token);
    say('(b) landing pages while guessing');
    const stop = new AbortController();
    const guessing = guess(stack.gatewayUrl, environment.admin.email, stop.signal);
    const underGuessing = await landing(stack.gatewayUrl, token);
    stop.abort();
    const guesses = await guessing.finished();

    const result = {
      benchmark: 'login',
      date: new Date(runStartedAt).toISOString(),
      machine: machineDescription(),
      knobs: KNOBS,
      logins,
      loginCpu,
      alone,
      guessing: underGuessing,
      guesses,
    };
    report(result);
    writeResult('login', result);
    return (
      logins.logins > 0 &&
      Object.keys(logins.statuses).every((status) => status === '200') &&
      alone.non2xx === 0 &&
      underGuessing.non2xx === 0
    );
  },
});
