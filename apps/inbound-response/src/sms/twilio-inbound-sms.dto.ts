import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * The fields of Twilio's inbound message webhook that we read. Twilio sends more (geo
 * fields, media, the deprecated `SmsSid`...) and adds fields over time; the signature covers
 * all of them, this DTO only what we use.
 */
export class TwilioInboundSmsDto {
  @Matches(/^(SM|MM)[0-9a-fA-F]{32}$/, { message: 'MessageSid must be a Twilio message SID: SM or MM and 32 hexadecimal digits' })
  MessageSid: string;

  @IsString({ message: 'From must be a single value' })
  @IsNotEmpty({ message: 'From is required' })
  @MaxLength(64)
  From: string;

  @IsString({ message: 'To must be a single value' })
  @IsNotEmpty({ message: 'To is required' })
  @MaxLength(64)
  To: string;

  /** Up to 1600 characters; empty for a picture without text. */
  @IsOptional()
  @IsString({ message: 'Body must be a single value' })
  @MaxLength(1600)
  Body?: string;
}
