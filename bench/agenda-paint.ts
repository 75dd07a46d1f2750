/**
 * Benchmark: the staff app's agenda with a full calendar (issue 16), on one machine.
 *
 * `BENCH_EVENTS` events (default 1,000, each with its own customer) spread over the coming two
 * weeks are created through the staff API. Then Debian's Chromium (playwright-core, headless,
 * a fresh profile per load, so nothing is cached) signs in once and opens the agenda at `/`
 * `BENCH_LOADS` times. Per load: first contentful paint (the browser's own
 * `paint` entry), and the time until the first of today's events is on screen (navigation
 * start → its title visible), both from the browser's clock.
 *
 * Target of the issue: first paint of the agenda under 1 s with 1,000 events in the database.
 *
 * Run: `npm run bench:agenda` (knobs: BENCH_EVENTS, BENCH_LOADS, CHROMIUM_PATH, BENCH_VERBOSE=1).
 */
import { chromium } from 'playwright-core';
import { machineDescription, runBenchmark, say, writeResult } from './harness';
import { ApiClient, distribution, intFromEnv, pool, round1, table } from './support';

const KNOBS = {
  events: intFromEnv('BENCH_EVENTS', 1_000, 1, 100_000),
  loads: intFromEnv('BENCH_LOADS', 10, 1, 1_000),
  maxSeconds: intFromEnv('BENCH_MAX_SECONDS', 900, 60, 7_200),
  verbose: process.env.BENCH_VERBOSE === '1',
};
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FIRST_CUSTOMER = 'Paint Customer 1';

runBenchmark({
  name: 'agenda',
  maxSeconds: KNOBS.maxSeconds,
  verbose: KNOBS.verbose,
  banner: `agenda first paint: ${KNOBS.events} events, ${KNOBS.loads} cold loads in Chromium`,
  measure: async ({ stack, environment, deadline }) => {
    const api = new ApiClient(stack.gatewayUrl, deadline);
    await api.loginAsAdmin(environment.admin);
    const template = await api.expect<{ id: string }>(201, 'POST', '/api/templates', {
      name: 'Agenda bench visit',
      titlePattern: '[{status}] Visit with {customerName}',
      customerTitle: 'Your visit',
      notificationConfigs: [
        {
          key: 'confirm',
          type: 'confirmation',
          channelMode: 'email',
          emailSubject: 'Your visit on {{date}}',
          emailBody: '<p>Hello {{customerName}}</p>',
          buttons: { accept: false, decline: false, reschedule: false, viewDetails: true, addToCalendar: true },
        },
      ],
    });
    // The first event starts within the hour (it is on today's agenda); the others follow every 20 minutes.
    const firstStart = Math.ceil(Date.now() / (15 * 60_000)) * 15 * 60_000 + 15 * 60_000;
    const created = Date.now();
    await pool(
      Array.from({ length: KNOBS.events }, (_, index) => index),
      8,
      deadline,
      async (index) => {
        const customer = await api.expect<{ id: string }>(201, 'POST', '/api/customers', {
          name: `Paint Customer ${index + 1}`,
          email: `paint-${index + 1}@example.test`,
        });
        const start = firstStart + index * 20 * 60_000;
        await api.expect(201, 'POST', '/api/events', {
          customerId: customer.id,
          templateId: template.id,
          start: new Date(start).toISOString(),
          end: new Date(start + 30 * 60_000).toISOString(),
          timeZone: 'Europe/Paris',
          location: `${index + 1} Rue de la Paix, Paris`,
        });
      },
    );
    deadline.check('creating the events');
    say(`${KNOBS.events} customers and events created in ${round1((Date.now() - created) / 1000)} s`);

    // The agenda's request alone (7 days, first page of 500), as the app makes it: the server's share of the figure.
    const today = new Date(new Date().setHours(0, 0, 0, 0));
    const range = `from=${today.toISOString()}&to=${new Date(today.getTime() + 7 * 86_400_000).toISOString()}&order=asc&limit=500`;
    const apiTimes: number[] = [];
    for (let call = 0; call < 5; call++) {
      const started = performance.now();
      await api.expect(200, 'GET', `/api/events?${range}`);
      apiTimes.push(performance.now() - started);
    }
    say(`GET /api/events (7 days, limit 500) alone: ${apiTimes.map((ms) => Math.round(ms)).join(', ')} ms`);

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const paints: number[] = [];
    const agendas: number[] = [];
    try {
      for (let load = 0; load < KNOBS.loads; load++) {
        deadline.check('loading the agenda');
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        try {
          // Signed in as the app signs in (its session cookie), outside the measured load.
          const signIn = await context.request.post(`${stack.gatewayUrl}/api/auth/session`, {
            data: environment.admin,
            headers: { 'x-requested-with': 'staff-web' },
          });
          if (signIn.status() !== 200) throw new Error(`POST /api/auth/session answered ${signIn.status()}`);
          const page = await context.newPage();
          await page.goto(`${stack.gatewayUrl}/`, { waitUntil: 'commit' });
          await page.getByText(FIRST_CUSTOMER, { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
          const figures = await page.evaluate(() => ({
            paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
            now: performance.now(),
            // The app's own mark: the agenda committed to the screen with its events.
            shown: performance.getEntriesByName('agenda:events-shown')[0]?.startTime ?? null,
            // Browser timing entries (this file is compiled without the DOM's types).
            domReady: (performance.getEntriesByType('navigation' as never)[0] as unknown as { domContentLoadedEventEnd?: number })
              ?.domContentLoadedEventEnd,
            resources: (
              performance.getEntriesByType('resource' as never) as unknown as { name: string; startTime: number; responseEnd: number }[]
            ).map((entry) => ({ name: new URL(entry.name).pathname, start: entry.startTime, end: entry.responseEnd })),
          }));
          if (figures.paint !== null) paints.push(figures.paint);
          agendas.push(figures.shown ?? figures.now);
          // Where the time went, per load: the app's files and first requests, start → end (ms from navigation start).
          const steps = figures.resources
            .filter((entry) => /^\/(assets\/|api\/)/.test(entry.name))
            .map((entry) => `${entry.name.replace(/-[A-Za-z0-9_-]{8}\./, '.')} ${Math.round(entry.start)}→${Math.round(entry.end)}`);
          if (KNOBS.verbose || load === 0)
            say(
              `load ${load + 1}: DOM ready ${Math.round(figures.domReady ?? 0)}, first paint ${Math.round(figures.paint ?? 0)}, ` +
                `events shown ${Math.round(figures.shown ?? 0)}, first event seen by the test ${Math.round(figures.now)}; ${steps.join(', ')}`,
            );
        } finally {
          await context.close();
        }
      }
    } finally {
      await browser.close();
    }
    const paint = distribution(paints);
    const agenda = distribution(agendas);
    const ms = (value: number | null) => (value === null ? null : Math.round(value));
    process.stdout.write(
      `\nAgenda at / with ${KNOBS.events} events, ${KNOBS.loads} cold loads (ms from navigation start)\n` +
        table(
          ['figure', 'min', 'p50', 'p90', 'max'],
          [
            ['first contentful paint', ms(paint.min), ms(paint.p50), ms(paint.p90), ms(paint.max)],
            ['agenda with its events shown', ms(agenda.min), ms(agenda.p50), ms(agenda.p90), ms(agenda.max)],
          ],
        ) +
        `\ntarget (first paint < 1000 ms, p90): ${paint.p90 !== null && paint.p90 < 1000 ? 'met' : 'NOT met'}\n`,
    );
    writeResult('agenda', { machine: machineDescription(), events: KNOBS.events, loads: KNOBS.loads, paint, agenda });
    return paints.length === KNOBS.loads;
  },
});
