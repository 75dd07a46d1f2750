import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/**
 * One event of SendGrid's event webhook, the fields we read. Custom args come back as
 * top-level keys: `notificationId` is the one notification-dispatch sets on every email.
 */
export class SendGridEventDto {
  @IsString() @IsNotEmpty() @MaxLength(64) event: string;
  @IsString() @IsNotEmpty() @MaxLength(200) sg_event_id: string;
  @IsOptional() @IsString() @MaxLength(300) sg_message_id?: string;
  /** Unix seconds. */
  @IsOptional() @IsInt() @Min(0) @Max(253_402_300_799) timestamp?: number;
  @IsOptional() @IsUUID('all') notificationId?: string;
  /** Bounce and drop reason. */
  @IsOptional() @IsString() reason?: string;
  /** The receiving server's answer (deferred, delivered). */
  @IsOptional() @IsString() response?: string;
  /** Bounce type: `bounce` or `blocked`. */
  @IsOptional() @IsString() type?: string;
  /** SMTP enhanced status code of a bounce, e.g. `5.1.1`. */
  @IsOptional() @IsString() status?: string;
}
