import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { TwilioStatusCallbackDto, TwilioStatusCallbackQuery } from './twilio-status-callback.dto';

const SID = `SM${'0123456789abcdef'.repeat(2)}`;

function problems<T extends object>(dto: new () => T, plain: Record<string, unknown>): string[] {
  return validateSync(plainToInstance(dto, plain)).flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('TwilioStatusCallbackDto: the status callback form', () => {
  it.each([
    ['an SMS status', { MessageSid: SID, MessageStatus: 'delivered' }],
    ['an MMS status with an error code', { MessageSid: `MM${'A'.repeat(32)}`, MessageStatus: 'undelivered', ErrorCode: '30003' }],
    ['a status Twilio adds one day (ignored later, not refused)', { MessageSid: SID, MessageStatus: 'partially_delivered' }],
  ])('accepts %s', (_name, form) => {
    expect(problems(TwilioStatusCallbackDto, form)).toEqual([]);
  });

  it.each([
    ['no MessageSid', { MessageStatus: 'sent' }, 'MessageSid must be a Twilio message SID: SM or MM and 32 hexadecimal digits'],
    [
      'a call SID',
      { MessageSid: `CA${'0'.repeat(32)}`, MessageStatus: 'sent' },
      'MessageSid must be a Twilio message SID: SM or MM and 32 hexadecimal digits',
    ],
    [
      'a short SID',
      { MessageSid: 'SM123', MessageStatus: 'sent' },
      'MessageSid must be a Twilio message SID: SM or MM and 32 hexadecimal digits',
    ],
    ['no MessageStatus', { MessageSid: SID }, 'MessageStatus is required'],
    ['MessageStatus twice', { MessageSid: SID, MessageStatus: ['sent', 'delivered'] }, 'MessageStatus must be a single value'],
    ['a text ErrorCode', { MessageSid: SID, MessageStatus: 'failed', ErrorCode: 'oops' }, 'ErrorCode must be a numeric Twilio error code'],
  ])('refuses %s, saying what is wrong', (_name, form, message) => {
    expect(problems(TwilioStatusCallbackDto, form)).toContain(message);
  });
});

describe('TwilioStatusCallbackQuery: the notification id dispatch put in the callback URL', () => {
  it('takes a UUID, or nothing', () => {
    expect(problems(TwilioStatusCallbackQuery, { notificationId: '6f1c1d55-8f5c-4f53-9a53-3f5c0e1b2d7a' })).toEqual([]);
    expect(problems(TwilioStatusCallbackQuery, {})).toEqual([]);
  });

  it('refuses anything else', () => {
    expect(problems(TwilioStatusCallbackQuery, { notificationId: '42' })).toEqual(['notificationId must be a UUID']);
  });
});
