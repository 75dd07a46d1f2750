import { Controller, DynamicModule, Get, Inject, Injectable, Module, Provider, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RedisHealthIndicator } from './redis-health';
import { PublicRoute } from './route-access';

/** One dependency a service needs to do its work (database, broker, Redis). */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
/** Indicators only readiness asks (the service's migrations applied): `/health` keeps its checks. */
export const READINESS_INDICATORS = Symbol('READINESS_INDICATORS');
export const HEALTH_SERVICE_NAME = Symbol('HEALTH_SERVICE_NAME');

export interface HealthReport {
  status: 'ok' | 'unavailable';
  service: string;
  checks: Record<string, { status: 'up' | 'down'; error?: string; latencyMs: number }>;
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(HEALTH_SERVICE_NAME) readonly service: string,
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[],
    @Inject(READINESS_INDICATORS) private readonly readinessIndicators: HealthIndicator[] = [],
  ) {}

  /** `GET /health`: the service's dependencies (database, broker, Redis, and its own). */
  report(timeoutMs = 2000): Promise<HealthReport> {
    return this.check(this.indicators, timeoutMs);
  }

  /** `GET /health/ready`: the dependencies, and what the service needs of them before it takes work (its migrations applied). */
  readiness(timeoutMs = 2000): Promise<HealthReport> {
    return this.check([...this.indicators, ...this.readinessIndicators], timeoutMs);
  }

  private async check(indicators: HealthIndicator[], timeoutMs: number): Promise<HealthReport> {
    const entries = await Promise.all(
      indicators.map(async (indicator) => {
        const started = Date.now();
        try {
          await withTimeout(indicator.check(), timeoutMs, `${indicator.name} did not answer within ${timeoutMs} ms`);
          return [indicator.name, { status: 'up' as const, latencyMs: Date.now() - started }] as const;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          return [indicator.name, { status: 'down' as const, error: message, latencyMs: Date.now() - started }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const status = entries.every(([, check]) => check.status === 'up') ? 'ok' : 'unavailable';
    return { status, service: this.service, checks };
  }
}

@ApiTags('health')
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  async get(@Res() reply: FastifyReply) {
    const report = await this.health.report();
    void reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }

  /** Liveness: the process is up and its event loop answers. No dependency is asked (an outage must not get every replica restarted). */
  @Get('live')
  live(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.health.service };
  }

  /** Readiness: 200 only when the database, broker and Redis answer and the service's migrations are applied; 503 naming what is not. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const report = await this.health.readiness();
    void reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }
}

export interface HealthModuleOptions {
  imports?: DynamicModule['imports'];
  /** Indicators readiness asks besides those of `/health`, as provider tokens; `providers` may declare them. */
  readiness?: unknown[];
  providers?: Provider[];
}

/**
 * `GET /health` on every service: 200 when each of its dependencies answers, 503 naming
 * the one that does not; `GET /health/live` (the process answers) and `GET /health/ready` (the
 * dependencies and the readiness-only indicators). Indicators are given as provider tokens of
 * the app's module.
 */
@Module({})
export class HealthModule {
  static forRoot(service: string, indicatorTokens: unknown[], options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        HealthService,
        RedisHealthIndicator,
        ...(options.providers ?? []),
        { provide: HEALTH_SERVICE_NAME, useValue: service },
        {
          provide: HEALTH_INDICATORS,
          useFactory: (...indicators: HealthIndicator[]) => indicators,
          inject: indicatorTokens as never[],
        },
        {
          provide: READINESS_INDICATORS,
          useFactory: (...indicators: HealthIndicator[]) => indicators,
          inject: (options.readiness ?? []) as never[],
        },
      ],
      exports: [HealthService],
    };
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
