import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/**
 * The phone simulator (`/api/dev/phone`, admins, local SMS sink only): every number the sink
 * sent an SMS to, and what was replied from it, as if on the customer's phone.
 */

/** `:phone` of the simulator's routes: E.164, URL-encoded (`%2B14155550100`). */
export class PhoneParamDto {
  @ApiProperty({ example: '+14155550100' })
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be an E.164 number (URL-encode its +: %2B14155550100)' })
  phone: string;
}

/** A reply typed on the simulated phone. */
export class PhoneReplyDto {
  @ApiProperty({ example: '1', maxLength: 1600 })
  @IsString()
  @IsNotEmpty({ message: 'body must not be empty' })
  @MaxLength(1600)
  body: string;
}

export type PhoneMessageDirection = 'outbound' | 'inbound';

export interface PhoneMessageView {
  /** `outbound`: the platform to the customer (what the local sink took); `inbound`: the customer's reply. */
  direction: PhoneMessageDirection;
  body: string;
  at: string;
}

export interface PhoneThreadView {
  phone: string;
  customer?: { id: string; name: string };
  lastMessage: PhoneMessageView;
}

/** `DISPATCH_REQUEST.recordPhoneReply`: the simulator's reply as inbound-response took it, and the TwiML answer it got back. */
export interface RecordPhoneReplyCommand {
  phone: string;
  /** Our number, as the reply was addressed (`To`). */
  to: string;
  body: string;
  messageSid: string;
  /** The text of the TwiML `<Message>`, sent back to the phone, or null. */
  reply: string | null;
}
