import {
  Controller,
  DynamicModule,
  Get,
  Global,
  Headers,
  Inject,
  Module,
  NotFoundException,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { bearerMatches, HttpMetrics, MetricsAccess, ServiceMetrics } from './metrics';
import { PublicRoute } from './route-access';

export const METRICS_ACCESS = Symbol('METRICS_ACCESS');

/**
 * `GET /metrics` in Prometheus's text format. Public as a route (the gateway's staff guard lets
 * it through): its own access (`MetricsAccess`) decides, since a Prometheus server has no staff
 * token. Not in the OpenAPI document: it is no part of the staff API.
 */
@ApiExcludeController()
@PublicRoute()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: ServiceMetrics,
    @Inject(METRICS_ACCESS) private readonly access: MetricsAccess,
  ) {}

  @Get()
  async get(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply) {
    if (this.access.kind === 'refused') throw new NotFoundException();
    if (this.access.kind === 'bearer' && !bearerMatches(authorization, this.access.token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException('Send Authorization: Bearer <METRICS_TOKEN>');
    }
    const body = await this.metrics.exposition();
    void reply.status(200).header('content-type', this.metrics.contentType).header('cache-control', 'no-store').send(body);
  }
}

/**
 * The service's metrics (`ServiceMetrics`, global: any provider may inject it and add its own)
 * and `GET /metrics`. `HttpMetrics` is observed by the host on every response.
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(service: string, access: MetricsAccess = { kind: 'open' }): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: ServiceMetrics, useValue: new ServiceMetrics(service) },
        { provide: HttpMetrics, inject: [ServiceMetrics], useFactory: (metrics: ServiceMetrics) => new HttpMetrics(metrics) },
        { provide: METRICS_ACCESS, useValue: access },
      ],
      exports: [ServiceMetrics, HttpMetrics],
    };
  }
}
