import { ServiceConfig } from '@appointments/config';
import { IsInt, Max, Min } from 'class-validator';

export class ReminderConfig extends ServiceConfig {
  /** Port of `/health`. */
  @IsInt() @Min(1) @Max(65535) REMINDER_PORT = 3004;
}
