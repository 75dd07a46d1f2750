import { ReminderReleaseCheck, ReminderReleaseVerdict, SCHEDULING_REQUEST, SERVICE, StagedReminderDto } from '@appointments/contracts';
import { MessagingNames } from '@appointments/messaging';
import * as amqp from 'amqplib';

/** How the stand-in takes a release check: answers it, keeps it unanswered (the caller times out), or answers an error. */
export type StandInMode = 'answer' | 'silent' | 'fail';

/**
 * Stands in for scheduling's side of the staged-reminder release: consumes the scheduling
 * request queue of the test's namespace as `AmqpServer` does (a transient, auto-delete queue)
 * and answers `SCHEDULING_REQUEST.checkReminderReleases` in its format (`{ok, data}` or
 * `{ok: false, error}` to `replyTo`, under the request's correlation id), with the verdicts
 * `decide` gives. `stop()` cancels its consumer, so the queue goes and a request comes back
 * at once, as when scheduling is not running.
 */
export class SchedulingStandIn {
  /** Every release check received, the reminders it asked about. */
  readonly checks: StagedReminderDto[][] = [];
  mode: StandInMode = 'answer';
  /** Requests scheduling cannot read: a check asking about one is refused whole as `invalid_input`, as validation would. */
  readonly unreadable = new Set<string>();
  decide: (staged: StagedReminderDto) => ReminderReleaseVerdict | Promise<ReminderReleaseVerdict> = sendIt;
  private consumerTag: string | null = null;

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.Channel,
    private readonly queue: string,
  ) {}

  static async start(amqpUrl: string, names: MessagingNames): Promise<SchedulingStandIn> {
    const connection = await amqp.connect(amqpUrl);
    connection.on('error', () => undefined);
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const standIn = new SchedulingStandIn(connection, channel, names.rpcQueue(SERVICE.scheduling));
    await standIn.resume();
    return standIn;
  }

  /** Consumes the request queue again after `stop()`. */
  async resume(): Promise<void> {
    if (this.consumerTag) return;
    await this.channel.assertQueue(this.queue, { durable: false, autoDelete: true });
    ({ consumerTag: this.consumerTag } = await this.channel.consume(this.queue, (message) => message && void this.onRequest(message), {
      noAck: true,
    }));
  }

  async stop(): Promise<void> {
    if (!this.consumerTag) return;
    await this.channel.cancel(this.consumerTag);
    this.consumerTag = null;
  }

  /** How many release checks asked about this request. */
  askedAbout(requestId: string): number {
    return this.checks.filter((check) => check.some((staged) => staged.requestId === requestId)).length;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }

  private async onRequest(message: amqp.ConsumeMessage): Promise<void> {
    const { replyTo, correlationId, type } = message.properties;
    let reply: unknown;
    if (type !== SCHEDULING_REQUEST.checkReminderReleases) {
      reply = { ok: false, error: { code: 'not_found', message: `no handler for request ${String(type)}` } };
    } else {
      const check = JSON.parse(message.content.toString('utf8')) as ReminderReleaseCheck;
      this.checks.push(check.reminders);
      if (this.mode === 'silent') return;
      try {
        if (this.mode === 'fail') throw new Error('failing on purpose');
        const bad = check.reminders.find((staged) => this.unreadable.has(staged.requestId));
        if (bad) {
          reply = {
            ok: false,
            error: {
              code: 'invalid_input',
              message: `reminders.${check.reminders.indexOf(bad)}.reminder.channels must contain at least 1 elements`,
            },
          };
          this.channel.publish('', replyTo, Buffer.from(JSON.stringify(reply)), {
            correlationId,
            contentType: 'application/json',
            persistent: false,
          });
          return;
        }
        reply = { ok: true, data: await Promise.all(check.reminders.map((staged) => this.decide(staged))) };
      } catch {
        reply = { ok: false, error: { code: 'internal', message: `${SERVICE.scheduling} failed to handle ${type}` } };
      }
    }
    try {
      this.channel.publish('', replyTo, Buffer.from(JSON.stringify(reply)), {
        correlationId,
        contentType: 'application/json',
        persistent: false,
      });
    } catch {
      /* closed meanwhile (the end of the run) */
    }
  }
}

export function sendIt(staged: StagedReminderDto): ReminderReleaseVerdict {
  return { requestId: staged.requestId, verdict: 'send' };
}
