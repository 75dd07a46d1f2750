import { normaliseStopListAddress } from './stop-list-address';

describe('normaliseStopListAddress: one form per address, so every way onto the stop list names the same entry', () => {
  // prettier-ignore
  it.each([
    // channel  given                         kept as
    ['sms',     '+14155550100',               '+14155550100'],
    ['sms',     '+1 (415) 555-0100',          '+14155550100'],
    ['sms',     '  +1 415-555-0100  ',        '+14155550100'],
    ['sms',     '+44 20 7946 0958',           '+442079460958'],
    ['sms',     '4155550100',                 null],          // no country: not E.164
    ['sms',     '+1 555',                     null],
    ['sms',     'jane@example.com',           null],
    ['sms',     '',                           null],
    ['email',   'jane@example.com',           'jane@example.com'],
    ['email',   '  Jane.Doe@Example.COM ',    'jane.doe@example.com'],
    ['email',   'jane@',                      null],
    ['email',   '+14155550100',               null],
    ['email',   `${'a'.repeat(65)}@example.com`, null],       // a local part longer than 64
  ] as const)('%s %j → %j', (channel, given, expected) => {
    expect(normaliseStopListAddress(channel, given)).toBe(expected);
  });
});
