import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { flushTracing } from './tracing';

/** Sends the spans not exported yet when the service stops (nothing when tracing is off). */
@Injectable()
export class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown() {
    await flushTracing();
  }
}

@Module({ providers: [TracingFlush] })
export class TracingModule {}
