import { ServiceConfig, StringList } from '@appointments/config';
import { ArrayMinSize, IsIn, IsInt, Max, Min } from 'class-validator';

export const TRACKABLE_FIELDS = ['start', 'end', 'timeZone', 'location', 'videoUrl', 'description'] as const;

export class SchedulingConfig extends ServiceConfig {
  /** Port of `/health` (scheduling has no public HTTP API; the gateway talks to it over AMQP). */
  @IsInt() @Min(1) @Max(65535) SCHEDULING_PORT = 3002;

  /** Fields whose change after a notification makes the event `update_due`. */
  @StringList()
  @ArrayMinSize(1)
  @IsIn(TRACKABLE_FIELDS, { each: true })
  SIGNIFICANT_FIELDS: string[] = ['start', 'end', 'timeZone', 'location', 'videoUrl'];
}
