import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARCHITECTURE_DOC } from './architecture-doc';
import { BEGIN_MARKER, END_MARKER, renderServiceMap, replaceGeneratedBlock } from './render-map';
import { readServiceMap, ServiceMap } from './service-map';

const ROOT = path.resolve(__dirname, '..', '..');

/** The first line where two texts differ, for a message a person can act on. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line < 0 ? a.length : line;
  return `line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  generated: ${b[at] ?? '(end of file)'}`;
}

describe('the service map in docs/architecture.md', () => {
  let map: ServiceMap;
  let committed: string;

  beforeAll(() => {
    // One TypeScript program over every app: a few seconds.
    map = readServiceMap(ROOT);
    committed = fs.readFileSync(path.join(ROOT, ARCHITECTURE_DOC), 'utf8');
  }, 120_000);

  const service = (name: string) => {
    const found = map.services.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no service ${name} in the map`);
    return found;
  };

  it('is the one the code declares (if not: run npm run architecture and commit docs/architecture.md)', () => {
    const generated = replaceGeneratedBlock(committed, renderServiceMap(map));
    if (generated !== committed) {
      throw new Error(
        `${ARCHITECTURE_DOC} differs from the code's declarations: run npm run architecture and commit the result. First difference at ${firstDifference(committed, generated)}`,
      );
    }
  });

  it('notices a map edited by hand or left behind by the code', () => {
    const block = renderServiceMap(map);
    const stale = replaceGeneratedBlock(committed, block.replace('CustomerResponded', 'CustomerAnswered'));
    expect(replaceGeneratedBlock(stale, block)).not.toBe(stale);
    expect(replaceGeneratedBlock(stale, block)).toBe(replaceGeneratedBlock(committed, block));
  });

  it('replaces only the block between the markers, keeping the hand-written text around it', () => {
    const document = `# Title\n\nbefore\n\n${BEGIN_MARKER}\nold map\n${END_MARKER}\n\n## The SMS reply walk\nafter\n`;
    expect(replaceGeneratedBlock(document, `${BEGIN_MARKER}\nnew map\n${END_MARKER}`)).toBe(
      `# Title\n\nbefore\n\n${BEGIN_MARKER}\nnew map\n${END_MARKER}\n\n## The SMS reply walk\nafter\n`,
    );
  });

  it('refuses a document whose markers are gone, saying how to put them back', () => {
    expect(() => replaceGeneratedBlock('# Architecture\n', 'map')).toThrow(/lost its markers[\s\S]*npm run architecture/);
  });

  it('finds every app as a service, with its PostgreSQL schema', () => {
    expect(map.services.map((s) => [s.name, s.schema, s.app])).toEqual([
      ['gateway', 'gateway', 'apps/gateway'],
      ['inbound-response', 'inbound_response', 'apps/inbound-response'],
      ['notification-dispatch', 'notification_dispatch', 'apps/notification-dispatch'],
      ['reminder-scheduler', 'reminder_scheduler', 'apps/reminder-scheduler'],
      ['scheduling', 'scheduling', 'apps/scheduling'],
    ]);
    expect(service('gateway').domainEvents).toBe(false);
  });

  it('reads events from @EventPattern handlers and from the NewDomainEvent literals given to the outbox', () => {
    expect(service('inbound-response').publishes).toContainEqual({
      event: 'CustomerResponded',
      site: 'apps/inbound-response/src/responses/record-customer-response.ts:RecordCustomerResponse.recordMany',
    });
    expect(service('scheduling').consumes).toContainEqual({
      event: 'CustomerResponded',
      site: 'apps/scheduling/src/events/customer-response/customer-response.controller.ts:CustomerResponseController.onCustomerResponded',
      batch: true,
    });
    // `{ type: STATUS_EVENT_OF[type] }`: every value of the table.
    const published = new Set(service('scheduling').publishes.map((p) => p.event));
    for (const event of ['EventBooked', 'RsvpRequested', 'ReminderSent', 'UpdateSent', 'EventCancelled'])
      expect(published).toContain(event);
    // Only names of DOMAIN_EVENT, never another `type:` (a notification type, a Swagger type).
    for (const s of map.services) for (const p of s.publishes) expect(map.events).toContain(p.event);
  });

  it('reads RPC patterns served and requested, resolved to their wire names', () => {
    expect(service('scheduling').serves.map((h) => h.pattern)).toContain('events.get');
    expect(service('gateway').requests).toContainEqual({
      service: 'scheduling',
      pattern: 'events.get',
      site: 'apps/gateway/src/staff-api/staff-api.controllers.ts:EventsApiController.get',
    });
    expect(service('notification-dispatch').requests.map((r) => `${r.service} ${r.pattern}`)).toContain(
      'scheduling reminders.release-check',
    );
    expect(service('inbound-response').requests.map((r) => `${r.service} ${r.pattern}`)).toContain(
      'notification-dispatch landing-tokens.latest-for-phones',
    );
  });

  it('reads the per-process feed, Redis and HTTP routes', () => {
    expect(service('gateway').feeds.flatMap((f) => f.events)).toContain('ResponseApplied');
    expect(service('reminder-scheduler').redis.map((r) => `${r.kind} ${r.queue}`)).toEqual(
      expect.arrayContaining(['bullmq-queue reminders', 'bullmq-worker reminders']),
    );
    expect(service('gateway').redis.map((r) => r.kind)).toEqual(expect.arrayContaining(['bullmq-queue', 'keys']));
    expect(service('inbound-response').http).toContainEqual(expect.objectContaining({ method: 'POST', path: '/webhooks/twilio/sms' }));
  });
});

describe('the service map reader', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

  /** A workspace of one app, in a temporary folder. */
  function workspace(appSource: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'service-map-'));
    roots.push(root);
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write(
      'tsconfig.base.json',
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, experimentalDecorators: true } }),
    );
    write(
      'libs/contracts/src/domain-events.ts',
      "export const DOMAIN_EVENT = { EventBooked: 'EventBooked', TimerFired: 'TimerFired' } as const;\n",
    );
    write(
      'apps/probe/src/probe.ts',
      `import { DOMAIN_EVENT } from '../../../libs/contracts/src/domain-events';
function servicePlatform(options: object) { return options; }
function EventPattern(pattern: string) { return (target: object, key: string) => undefined; }
export const imports = servicePlatform({ service: 'probe', persistence: { schema: 'probe' } });
${appSource}`,
    );
    return root;
  }

  it('reads a lookup in a literal table of events as every event of the table', () => {
    const root = workspace(`const EVENT_OF = { a: DOMAIN_EVENT.EventBooked, b: DOMAIN_EVENT.TimerFired } as const;
export function publish(kind: 'a' | 'b') { return { type: EVENT_OF[kind], payload: {} }; }`);
    expect(readServiceMap(root).services[0].publishes.map((p) => p.event)).toEqual(['EventBooked', 'TimerFired']);
  });

  it('reads a spread of another list of events as every event of that list', () => {
    const root = workspace(`const FIRST = [DOMAIN_EVENT.EventBooked] as const;
class Probe { @EventPattern([...FIRST, DOMAIN_EVENT.TimerFired]) on() { return undefined; } }
export { Probe };`);
    expect(readServiceMap(root).services[0].consumes.map((c) => c.event)).toEqual(['EventBooked', 'TimerFired']);
  });

  it('stops, naming the file, at a pattern whose value it cannot tell, rather than leave a gap in the map', () => {
    const root = workspace(`export function handlerFor(pattern: string) {
  class Probe { @EventPattern(pattern) on() { return undefined; } }
  return Probe;
}`);
    expect(() => readServiceMap(root)).toThrow(/apps\/probe\/src\/probe\.ts.*cannot tell the value of an @EventPattern "pattern"/);
  });
});
