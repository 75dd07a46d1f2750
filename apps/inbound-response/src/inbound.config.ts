import { ServiceConfig } from '@appointments/config';
import { IsInt, IsUrl, Max, Min } from 'class-validator';

export class InboundConfig extends ServiceConfig {
  /** Public port: provider webhooks (`/webhooks/*`) and `/health`. */
  @IsInt() @Min(1) @Max(65535) INBOUND_PORT = 3001;

  /** The URL providers call, as they see it (signatures are computed over it, not over the Host header). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) PUBLIC_WEBHOOK_BASE_URL = 'http://localhost:3001';
}
