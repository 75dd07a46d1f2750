import { ArrayMinSize, IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { BooleanFlag, IntegerList, Secret } from './decorators';

/**
 * What every service reads: infrastructure URLs with local defaults, naming prefixes that
 * keep parallel runs apart, and messaging tunables. Each app extends it with its own
 * variables (see `apps/*\/src/*.config.ts`); nothing reads `process.env` anywhere else.
 */
export class ServiceConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Secret()
  @Matches(/^postgres(ql)?:\/\/.+\/[A-Za-z0-9_-]+(\?.*)?$/, {
    message: 'must be a postgres:// URL that names a database',
  })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/appointments';

  /**
   * Parameterised queries as named prepared statements of each connection (parsed and planned
   * once). Turn off behind a pooler that hands a session's statements to other clients
   * (PgBouncer in transaction mode before 1.21, or without `max_prepared_statements`).
   */
  @BooleanFlag()
  @IsBoolean()
  DATABASE_PREPARED_STATEMENTS = true;

  @Secret()
  @Matches(/^amqps?:\/\/.+/, { message: 'must be an amqp:// or amqps:// URL' })
  AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @Secret()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every exchange and queue name (e.g. `staging.`); lets test runs share a broker. */
  @Matches(/^[A-Za-z0-9_.-]*$/, { message: 'may only hold letters, digits, dot, dash and underscore' })
  AMQP_NAMESPACE = '';

  /** Prefix of every Redis key (BullMQ queues); lets test runs share a Redis. */
  @Matches(/^[A-Za-z0-9_:.-]+$/, { message: 'may only hold letters, digits, colon, dot, dash and underscore' })
  REDIS_PREFIX = 'appointments';

  /** Unacknowledged messages per consumer (a message may be a pack of events), and the most events in one batch. */
  @IsInt()
  @Min(1)
  @Max(1000)
  AMQP_PREFETCH = 200;

  /**
   * How long the first domain event of a consumer's batch waits for others before the batch
   * is handled (0: only those already read). The outbox packs a transaction's events of one
   * type into one message, but a producer that commits many small transactions (the SMS
   * webhook's group commit commits a group every few milliseconds at 500 replies/s) sends many
   * messages: 2 ms gathers them into fewer, larger batches. Measured at 500 SMS replies/s:
   * committed p99 106-110 ms with 0, 75-83 ms with 2 (bench/README.md); notifications and
   * reminders unchanged.
   */
  @IsInt()
  @Min(0)
  @Max(100)
  AMQP_BATCH_LINGER_MS = 2;

  /**
   * Batches of domain events a service handles at once, each in its own transaction on its own
   * database connection (the pool has 10). A stage of a pipeline spends part of each batch
   * waiting (statements, the commit's flush); with two, a burst of reminders left a third of
   * the machine idle while the queue grew.
   */
  @IsInt()
  @Min(1)
  @Max(8)
  AMQP_CONCURRENT_BATCHES = 4;

  /** Delays before each redelivery of a message whose handler failed; after the last it is dead-lettered. */
  @IntegerList()
  @IsInt({ each: true })
  @Min(10, { each: true })
  @ArrayMinSize(0)
  MESSAGE_RETRY_DELAYS_MS: number[] = [1000, 5000, 30000];

  @IsInt()
  @Min(100)
  RPC_TIMEOUT_MS = 5000;

  /** The outbox relay is woken by LISTEN/NOTIFY; this poll is its safety net. */
  @IsInt()
  @Min(50)
  OUTBOX_POLL_MS = 1000;

  /**
   * How long a publish (the outbox relay's, a retry or dead letter, an RPC reply) waits for the
   * broker's confirm before it counts as failed: the relay publishes the row again later, a
   * failed message goes back to its queue. Bounds the wait on a broker that stalls.
   */
  @IsInt()
  @Min(100)
  AMQP_PUBLISH_TIMEOUT_MS = 10_000;

  @IsString()
  SERVICE_INSTANCE = `${process.pid}`;

  /**
   * Which proxies in front of the service are trusted to say the client's address and protocol
   * (`X-Forwarded-For`, `X-Forwarded-Proto`): `false` (the default: nobody, so no client can fake
   * the address that login throttling counts), a number of hops (`1` behind one load balancer), or
   * a comma-separated list of proxy addresses and CIDR ranges (`10.0.0.0/8,loopback`).
   */
  @Matches(/^(false|\d{1,2}|[0-9A-Fa-f.:/,a-z ]+)$/, {
    message: 'must be false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDR ranges',
  })
  TRUST_PROXY = 'false';

  /** `TRUST_PROXY` as Fastify's `trustProxy` option. */
  get trustProxy(): boolean | number | string[] {
    if (this.TRUST_PROXY === 'false') return false;
    if (/^\d+$/.test(this.TRUST_PROXY)) return Number(this.TRUST_PROXY);
    return this.TRUST_PROXY.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  }
}
