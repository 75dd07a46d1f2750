import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

/**
 * The fields of Twilio's message status callback that we read. Twilio sends more (and adds
 * fields over time); the signature covers all of them, this DTO only what we use.
 */
export class TwilioStatusCallbackDto {
  @Matches(/^(SM|MM)[0-9a-fA-F]{32}$/, { message: 'MessageSid must be a Twilio message SID: SM or MM and 32 hexadecimal digits' })
  MessageSid: string;

  /** Kept open: a status Twilio adds later is answered 204 and ignored, not refused. */
  @IsString({ message: 'MessageStatus must be a single value' })
  @IsNotEmpty({ message: 'MessageStatus is required' })
  @MaxLength(40)
  MessageStatus: string;

  @IsOptional()
  @Matches(/^\d{1,10}$/, { message: 'ErrorCode must be a numeric Twilio error code' })
  ErrorCode?: string;
}

/** The status callback URL's query, as notification-dispatch sets it (`?notificationId=<uuid>`). */
export class TwilioStatusCallbackQuery {
  @IsOptional()
  @IsUUID('all', { message: 'notificationId must be a UUID' })
  notificationId?: string;
}
