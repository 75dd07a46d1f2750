import { quoteIdentifier } from '@appointments/persistence';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AmqpConnection } from './amqp-connection';
import { outboxChannel } from './messaging-tables';

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
 * Publishes committed outbox rows to the domain-events exchange with publisher confirms
 * and marks them published in the same transaction that locked them
 * (`FOR UPDATE SKIP LOCKED`, so several relays share the work without publishing a row
 * twice in the normal case). If the broker fails mid-batch the transaction rolls back and
 * the batch is published again later: delivery is at least once, consumers de-duplicate.
 * Woken by LISTEN/NOTIFY on commit, by a reconnect to the broker, and by a short poll.
 */
export class OutboxRelay {
  private listener: Client | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private running = false;
  private wakeRequested = false;
  private stopped = true;
  private lastPrune = 0;
  private readonly table: string;
  private readonly batchSize: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly connection: AmqpConnection,
    private readonly options: OutboxRelayOptions,
    private readonly logger: Logger,
  ) {
    this.table = `${quoteIdentifier(options.schema)}.outbox`;
    this.batchSize = options.batchSize ?? 200;
  }

  start(): void {
    this.stopped = false;
    this.connection.on('connected', this.wake);
    void this.listen();
    this.pollTimer = setInterval(this.wake, this.options.pollMs);
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.connection.off('connected', this.wake);
    if (this.pollTimer) clearInterval(this.pollTimer);
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => undefined);
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  /** Unpublished rows, for health and dashboards. */
  async backlog(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${this.table} WHERE published_at IS NULL`);
    return row.n;
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
        if (!this.connection.isConnected) break;
        let published: number;
        do {
          published = await this.publishBatch();
        } while (published === this.batchSize && !this.stopped);
      }
      await this.pruneOccasionally();
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox relay could not publish; will retry');
    } finally {
      this.running = false;
    }
  }

  private publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Claimed and marked in one statement: the rows stay locked until the commit, so if a
      // publish fails the transaction rolls back and they are unpublished again. The envelope
      // as text: it goes to the broker as it was stored, without a parse and a stringify.
      const [claimed]: [OutboxRow[], number] = await manager.query(
        `UPDATE ${this.table} SET published_at = now()
          WHERE seq IN (SELECT seq FROM ${this.table} WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING seq, id, type, envelope::text AS envelope, headers`,
        [this.batchSize],
      );
      if (claimed.length === 0) return 0;
      // In the order they were committed (RETURNING gives no order).
      const rows = claimed.sort((a, b) => Number(a.seq) - Number(b.seq));
      await Promise.all(
        rows.map((row) =>
          this.connection.publish(this.options.exchange, row.type, Buffer.from(row.envelope, 'utf8'), {
            messageId: row.id,
            type: row.type,
            contentType: 'application/json',
            headers: row.headers,
            timestamp: Math.floor(Date.now() / 1000),
          }),
        ),
      );
      return rows.length;
    });
  }

  private async pruneOccasionally() {
    const now = Date.now();
    if (now - this.lastPrune < 10 * 60_000) return;
    this.lastPrune = now;
    const hours = this.options.retentionHours ?? 72;
    await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE published_at < now() - make_interval(hours => $1)`,
      [hours],
    );
    // Redeliveries come within minutes (or hours after an outage): a week of memory is ample.
    await this.dataSource.query(
      `DELETE FROM ${quoteIdentifier(this.options.schema)}.processed_messages WHERE processed_at < now() - interval '7 days'`,
    );
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'outbox-relay' });
    client.on('notification', this.wake);
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'outbox LISTEN connection lost; reconnecting');
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(outboxChannel(this.options.schema))}`);
      this.listener = client;
      if (this.stopped) await client.end();
    } catch (error) {
      this.logger.warn({ err: error }, 'outbox LISTEN failed; relying on the poll until it comes back');
      client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), 1000);
    }
  }
}
