import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { UpdateCustomerDto } from './customer.dto';

/** What the gateway's ValidationPipe does: transform, then validate. */
function read(plain: Record<string, unknown>): { value: UpdateCustomerDto; problems: string[] } {
  const value = plainToInstance(UpdateCustomerDto, plain);
  return { value, problems: validateSync(value).flatMap((error) => Object.values(error.constraints ?? {})) };
}

describe('UpdateCustomerDto: a PATCH of a customer', () => {
  // body | what it becomes
  it.each<[string, Record<string, unknown>, Partial<UpdateCustomerDto>]>([
    ['nothing', {}, {}],
    ['a name, trimmed', { name: '  Jane Smith ' }, { name: 'Jane Smith' }],
    ['an email, trimmed', { email: ' jane.smith@example.com ' }, { email: 'jane.smith@example.com' }],
    ['the email cleared', { email: null }, { email: null }],
    ['a phone with spaces and dashes, normalised', { phone: '+1 415-555-0100' }, { phone: '+14155550100' }],
    ['the phone cleared', { phone: null }, { phone: null }],
    ['a preference', { preferredConfirmationMethod: 'sms' }, { preferredConfirmationMethod: 'sms' }],
    ['the preference cleared', { preferredConfirmationMethod: null }, { preferredConfirmationMethod: null }],
    [
      'every field',
      { name: 'J', email: 'j@example.org', phone: '+442071838750', preferredConfirmationMethod: 'email' },
      { name: 'J', email: 'j@example.org', phone: '+442071838750', preferredConfirmationMethod: 'email' },
    ],
  ])('accepts %s', (_, body, expected) => {
    const { value, problems } = read(body);
    expect(problems).toEqual([]);
    expect({ ...value }).toEqual(expected);
  });

  // body | the message that names the field
  it.each<[string, Record<string, unknown>, string]>([
    ['the name cleared', { name: null }, 'name must be a string'],
    ['an empty name', { name: '   ' }, 'name should not be empty'],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, 'name must be shorter than or equal to 200 characters'],
    ['a malformed email', { email: 'jane@' }, 'email must be a valid email address'],
    [
      'a phone that is no number',
      { phone: 'call me' },
      'phone must be a valid mobile phone number in international E.164 form, e.g. +14155550100',
    ],
    [
      'a phone without its country code',
      { phone: '415 555 0100' },
      'phone must be a valid mobile phone number in international E.164 form, e.g. +14155550100',
    ],
    [
      'an unknown preference',
      { preferredConfirmationMethod: 'fax' },
      'preferredConfirmationMethod must be one of the following values: email, sms',
    ],
  ])('refuses %s', (_, body, message) => {
    expect(read(body).problems).toContain(message);
  });
});
