import {
  contextWithSpan,
  CORRELATION_ATTRIBUTE,
  CORRELATION_HEADER,
  endSpan,
  extractTraceContext,
  injectTraceContext,
  Span,
  SpanKind,
  startSpan,
  tracingEnabled,
} from '@appointments/observability';
import { quoteIdentifier } from '@appointments/persistence';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AmqpConnection } from './amqp-connection';
import { outboxChannel } from './messaging-tables';
import { PACKED_EVENTS_HEADER } from './outbox';

export interface OutboxRelayOptions {
  schema: string;
  exchange: string;
  databaseUrl: string;
  pollMs: number;
  batchSize?: number;
  /** Published rows are kept this long for audit, then deleted. */
  retentionHours?: number;
}

interface OutboxRow {
  seq: string;
  id: string;
  type: string;
  envelope: string;
  headers: Record<string, unknown>;
}

/**
 * Publishes committed outbox rows to the domain-events exchange with publisher confirms,
 * then marks them published. No transaction is open while it waits on the broker: a pass
 * claims its rows with session-level advisory locks (one per row, taken by the claiming
 * statement, so several relays share the work without publishing a row twice in the normal
 * case), publishes them, then marks the confirmed ones and drops its locks in one statement.
 * A row whose publish failed stays unpublished and is published again later; a relay that
 * dies between publish and mark leaves its rows to be published again: delivery is at least
 * once, consumers de-duplicate. Woken by LISTEN/NOTIFY on commit, by a reconnect to the
 * broker or the end of a broker's block, and by a short poll.
 *
 * The relay has one connection of its own, for the LISTEN and for its passes, so it never
 * waits for the service's pool nor holds one of its connections. A pass is two round
 * trips (the claim, then the mark with the unlock), and the session commits asynchronously
 * (`synchronous_commit = off`): a mark lost in a crash only means the rows are published
 * again, which consumers already take. Each event hop saves a disk flush that way, and a
 * hop is what every event makes at least once.
 */
export class OutboxRelay {
  private client: Client | null = null;
  private connecting: Promise<Client | null> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private running = false;
  private wakeRequested = false;
  private stopped = true;
  private lastPrune = 0;
  private readonly table: string;
  private readonly batchSize: number;
  /** The first key of the relay's advisory locks (the second is the row's seq): one space per schema. */
  private readonly lockSpace: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    private readonly options: OutboxRelayOptions,
    private readonly logger: Logger,
  ) {
    this.table = `${quoteIdentifier(options.schema)}.outbox`;
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 200));
    this.lockSpace = `outbox:${options.schema}`;
  }

  start(): void {
    this.stopped = false;
    this.connection.on('connected', this.wake);
    this.connection.on('unblocked', this.wake);
    void this.relayClient();
    this.pollTimer = setInterval(this.wake, this.options.pollMs);
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.connection.off('connected', this.wake);
    this.connection.off('unblocked', this.wake);
    if (this.pollTimer) clearInterval(this.pollTimer);
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  /** Unpublished rows, for health and dashboards. */
  async backlog(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${this.table} WHERE published_at IS NULL`);
    return row.n;
  }

  /** Unpublished rows and the age of the oldest (0 when none), for `/metrics`: two reads of the partial index of unpublished rows. */
  async unpublished(): Promise<{ count: number; oldestAgeSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM ${this.table} WHERE published_at IS NULL) AS count,
              (SELECT EXTRACT(EPOCH FROM now() - created_at)::float8 FROM ${this.table} WHERE published_at IS NULL ORDER BY seq LIMIT 1) AS age`,
    );
    return { count: row.count, oldestAgeSeconds: Math.max(0, row.age ?? 0) };
  }

  readonly wake = (): void => {
    if (this.stopped) return;
    this.wakeRequested = true;
    if (!this.running) void this.drain();
  };

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.wakeRequested && !this.stopped) {
        this.wakeRequested = false;
        // While the broker blocks publishers the rows wait (its end wakes the relay).
        if (!this.connection.isConnected || this.connection.isBlocked) break;
        const client = await this.relayClient();
        if (!client) break;
        let published: number;
        do {
          published = await this.publishBatch(client);
        } while (published === this.batchSize && !this.stopped);
      }
      await this.pruneOccasionally();
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay could not publish; will retry');
    } finally {
      this.running = false;
    }
  }

  /**
   * One pass: claim, publish, mark. The claim takes up to a batch of unpublished rows in
   * order and, for each, a session-level advisory lock (`pg_try_advisory_lock`): a row
   * another relay has claimed is skipped (the first four batches' worth of rows are looked
   * at, so that a few relays find work beside one another). Its `FOR UPDATE SKIP LOCKED` serves freshness
   * only (its row locks end with the statement): a row another relay marked after this
   * statement's snapshot is re-read and left out, so a row is not published twice even when
   * that relay has already dropped its lock. The envelope comes as text: it goes to the
   * broker as it was stored, without a parse and a stringify.
   */
  private async publishBatch(client: Client): Promise<number> {
    const { rows: claimed } = await client.query<OutboxRow>(
      `SELECT seq, id, type, envelope::text AS envelope, headers
         FROM (SELECT seq, id, type, envelope, headers FROM ${this.table}
                WHERE published_at IS NULL ORDER BY seq LIMIT ${this.batchSize * 4} FOR UPDATE SKIP LOCKED) AS unpublished
        WHERE pg_try_advisory_lock(hashtext($1), (seq % 2147483647)::int)
        LIMIT ${this.batchSize}`,
      [this.lockSpace],
    );
    if (claimed.length === 0) return 0;
    // In the order they were committed.
    const rows = claimed.sort((a, b) => Number(a.seq) - Number(b.seq));
    const traced = tracingEnabled();
    const outcomes = await Promise.allSettled(
      rows.map((row) => {
        // Traced: a producer span, child of the work that wrote the row, whose context replaces the row's in the message.
        const span = traced ? this.publishSpan(row) : null;
        const published = this.connection.publish(this.options.exchange, row.type, Buffer.from(row.envelope, 'utf8'), {
          messageId: row.id,
          type: row.type,
          contentType: 'application/json',
          headers: span ? this.headersWithSpan(row.headers, span) : row.headers,
          timestamp: Math.floor(Date.now() / 1000),
        });
        if (!span) return published;
        return published.then(
          () => endSpan(span),
          (error: unknown) => {
            endSpan(span, error);
            throw error;
          },
        );
      }),
    );
    const confirmed = rows.filter((_, index) => outcomes[index].status === 'fulfilled').map((row) => row.seq);
    // The confirmed rows are marked, and every lock of the pass dropped, in one round trip (a
    // simple query: the seqs are bigints read from the table, not input). Rows not confirmed
    // stay unpublished, for this relay's next pass or another relay.
    const mark =
      confirmed.length > 0
        ? `UPDATE ${this.table} SET published_at = now() WHERE seq = ANY('{${confirmed.map((seq) => String(BigInt(seq))).join(',')}}'::bigint[]); `
        : '';
    try {
      await client.query(`${mark}SELECT pg_advisory_unlock_all()`);
    } catch (error) {
      // Not marked: published again later. The locks go with the session if it is lost, else here.
      await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      throw error;
    }
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return claimed.length;
  }

  /** The span of one row's publish: a child of the trace context stored with the row (a root span when there is none). */
  private publishSpan(row: OutboxRow): Span {
    const correlationId = row.headers[CORRELATION_HEADER];
    const packed = row.headers[PACKED_EVENTS_HEADER];
    return startSpan(
      `publish ${row.type}`,
      SpanKind.PRODUCER,
      {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': this.options.exchange,
        'messaging.rabbitmq.destination.routing_key': row.type,
        'messaging.message.id': row.id,
        ...(typeof packed === 'number' ? { 'messaging.batch.message_count': packed } : {}),
        ...(typeof correlationId === 'string' ? { [CORRELATION_ATTRIBUTE]: correlationId } : {}),
      },
      extractTraceContext(row.headers),
    );
  }

  /** The row's headers with the publish span's trace context in place of the one stored. */
  private headersWithSpan(headers: Record<string, unknown>, span: Span): Record<string, unknown> {
    const withSpan = { ...headers };
    injectTraceContext(withSpan, contextWithSpan(span));
    return withSpan;
  }

  private async pruneOccasionally() {
    const now = Date.now();
    if (now - this.lastPrune < 10 * 60_000) return;
    this.lastPrune = now;
    const hours = this.options.retentionHours ?? 72;
    await this.dataSource.query(`DELETE FROM ${this.table} WHERE published_at < now() - make_interval(hours => $1)`, [hours]);
    // Redeliveries come within minutes (or hours after an outage): a week of memory is ample.
    await this.dataSource.query(
      `DELETE FROM ${quoteIdentifier(this.options.schema)}.processed_messages WHERE processed_at < now() - interval '7 days'`,
    );
  }

  /**
   * The relay's own connection, LISTENing for commits; connected on first use and again after
   * a loss (null while PostgreSQL is unreachable: the poll tries again).
   */
  private relayClient(): Promise<Client | null> {
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client | null> {
    if (this.stopped) return null;
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: 'outbox-relay',
      options: '-c synchronous_commit=off',
    });
    client.on('notification', this.wake);
    client.on('end', () => {
      if (this.client === client) this.client = null;
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'outbox relay connection lost; reconnecting');
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      setTimeout(this.wake, 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(outboxChannel(this.options.schema))}`);
      if (this.stopped) {
        await client.end();
        return null;
      }
      this.client = client;
      // Whatever was committed while there was no LISTEN.
      setImmediate(this.wake);
      return client;
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay could not connect to PostgreSQL; relying on the poll until it comes back');
      client.end().catch(() => undefined);
      return null;
    }
  }
}
