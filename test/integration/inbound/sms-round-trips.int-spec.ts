import { currentCorrelationId } from '@appointments/observability';
import { createHmac, randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { BrokerClient } from '../messaging/broker-client';
import { InboundService } from './inbound-service';

jest.setTimeout(60_000);

const TWILIO_AUTH_TOKEN = '1a2b3c4d5e6f708192a3b4c5d6e7f809';
const PUBLIC_WEBHOOK_BASE_URL = 'https://hooks.example.com';
const SMS_PATH = '/webhooks/twilio/sms';
/** Long enough that replies posted together make one group (the first waits this long for the others). */
const LINGER_MS = 100;

const messageSid = () => `SM${randomUUID().replace(/-/g, '')}`;
const phone = () => `+1415556${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;

/**
 * What an SMS reply costs the database: every statement (`BEGIN` and `COMMIT` included) sent on
 * behalf of the webhook requests, counted by the requests' correlation ids (the group runs in
 * the context of the request that started it; the relay and the consumers run in their own).
 * A group costs a fixed number of round trips, however many replies it holds (before the
 * use-case refactor of issue 15: 10 for a lone code or a group of codes, 16 for the mixed group).
 */
describe('inbound-response: database round trips of SMS replies', () => {
  let service: InboundService;
  let broker: BrokerClient;
  const statements = new Map<string, string[]>();
  const query = PostgresQueryRunner.prototype.query;

  beforeAll(async () => {
    PostgresQueryRunner.prototype.query = function (this: PostgresQueryRunner, sql: string, ...rest: unknown[]) {
      const correlationId = currentCorrelationId();
      if (correlationId?.startsWith('round-trips-')) {
        const seen = statements.get(correlationId) ?? [];
        seen.push(sql.replace(/\s+/g, ' ').trim().slice(0, 80));
        statements.set(correlationId, seen);
      }
      return (query as (...args: unknown[]) => Promise<unknown>).call(this, sql, ...rest);
    } as typeof query;
    service = await InboundService.start('inbound_sms_round_trips', {
      TWILIO_AUTH_TOKEN,
      PUBLIC_WEBHOOK_BASE_URL,
      SMS_GROUP_LINGER_MS: String(LINGER_MS),
    });
    broker = await BrokerClient.connect(service.environment.env.AMQP_URL);
  });

  afterAll(async () => {
    PostgresQueryRunner.prototype.query = query;
    await broker?.close();
    await service?.stop();
  });

  /** An SMS with reply codes sent to a new phone, as notification-dispatch announces it; resolves once kept. */
  const openReplyTarget = () => service.openReplyTarget(broker, phone());

  /** Posts an SMS as Twilio does (signed form), under its own correlation id. */
  async function sms(correlationId: string, fields: { From: string; Body: string }) {
    const form: Record<string, string> = { MessageSid: messageSid(), To: '+15005550006', AccountSid: `AC${'2'.repeat(32)}`, ...fields };
    const data = Object.keys(form)
      .sort()
      .reduce((signed, name) => signed + name + form[name], `${PUBLIC_WEBHOOK_BASE_URL}${SMS_PATH}`);
    const signature = createHmac('sha1', TWILIO_AUTH_TOKEN).update(data, 'utf8').digest('base64');
    const answer = await service.post(SMS_PATH, new URLSearchParams(form).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      'x-correlation-id': correlationId,
    });
    expect(answer.status).toBe(200);
  }

  /** The statements of each group of these requests (a group runs in the context of the request that started it). */
  const groups = (prefix: string) => [...statements].filter(([id]) => id.startsWith(prefix)).map(([, seen]) => seen);

  it('a lone reply code costs eight round trips: the lookup, and a transaction of five statements', async () => {
    const target = await openReplyTarget();
    await sms('round-trips-alone', { From: target.phone, Body: '1' });
    // The lookup; BEGIN, the event's lock, its latest response, the response, its event, the SMS's row, COMMIT.
    expect(groups('round-trips-alone')).toEqual([expect.any(Array)]);
    expect(groups('round-trips-alone')[0]).toHaveLength(8);
  });

  it('twenty reply codes arriving together cost what one does: eight round trips a group, not a reply', async () => {
    const targets = await Promise.all(Array.from({ length: 20 }, () => openReplyTarget()));
    await Promise.all(targets.map((target, index) => sms(`round-trips-group-${index}`, { From: target.phone, Body: '1' })));
    const each = groups('round-trips-group-');
    expect(each.length).toBeLessThanOrEqual(3); // one, unless the machine is slower than the linger
    expect(each.map((group) => group.length)).toEqual(each.map(() => 8));
  });

  it('codes, messages and keywords together: one statement more for the stop list per keyword, one for all the other events', async () => {
    const targets = await Promise.all(Array.from({ length: 8 }, () => openReplyTarget()));
    const bodies = ['1', '2', '3', '1', 'See you then', 'Running late', 'STOP', 'HELP'];
    await Promise.all(targets.map((target, index) => sms(`round-trips-mixed-${index}`, { From: target.phone, Body: bodies[index] })));
    // As for codes alone, and the stop list's statement, and one outbox statement for the other events.
    const each = groups('round-trips-mixed-');
    expect(each.length).toBeLessThanOrEqual(3);
    for (const group of each) expect(group.length).toBeLessThanOrEqual(10);
    if (each.length === 1) expect(each[0]).toHaveLength(10);
  });
});
