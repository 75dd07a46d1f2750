import { selectChannels, type ChannelSelection, type Recipient } from './channel-selection';
import type { Channel, ChannelMode } from './vocabulary';

const EMAIL = 'jane@example.com';
const PHONE = '+15551234567';

const reachable: Recipient = { name: 'Jane Doe', email: EMAIL, phone: PHONE };
const prefersSms: Recipient = { ...reachable, preferredConfirmationMethod: 'sms' };
const prefersEmail: Recipient = { ...reachable, preferredConfirmationMethod: 'email' };
const emailOnly: Recipient = { name: 'Jane Doe', email: EMAIL, phone: null, preferredConfirmationMethod: 'sms' };
const phoneOnly: Recipient = { name: 'Jane Doe', email: '  ', phone: PHONE };
const unreachable: Recipient = { name: 'Jane Doe' };

const sent = (...channels: Channel[]) => channels.map((channel) => ({ channel, address: channel === 'email' ? EMAIL : PHONE }));
const skip = (channel: Channel, reason: 'no_email_address' | 'no_phone_number' | 'opted_out') => ({
  channel,
  reason,
  message: expect.any(String),
});

describe('channel selection (domain.md "Channel selection")', () => {
  // channel mode | recipient | sends by | skipped
  it.each<[ChannelMode, string, Recipient, ChannelSelection]>([
    ['follow_preference', 'no preference', reachable, { channels: sent('email'), skipped: [] }],
    ['follow_preference', 'prefers SMS', prefersSms, { channels: sent('sms'), skipped: [] }],
    ['follow_preference', 'prefers email', prefersEmail, { channels: sent('email'), skipped: [] }],
    ['follow_preference', 'prefers SMS, has no phone', emailOnly, { channels: [], skipped: [skip('sms', 'no_phone_number')] }],
    ['follow_preference', 'no preference, blank email', phoneOnly, { channels: [], skipped: [skip('email', 'no_email_address')] }],
    ['email', 'prefers SMS', prefersSms, { channels: sent('email'), skipped: [] }],
    ['email', 'blank email', phoneOnly, { channels: [], skipped: [skip('email', 'no_email_address')] }],
    ['sms', 'prefers email', prefersEmail, { channels: sent('sms'), skipped: [] }],
    ['sms', 'no phone', emailOnly, { channels: [], skipped: [skip('sms', 'no_phone_number')] }],
    ['both', 'both addresses', reachable, { channels: sent('email', 'sms'), skipped: [] }],
    ['both', 'email only', emailOnly, { channels: sent('email'), skipped: [skip('sms', 'no_phone_number')] }],
    ['both', 'phone only', phoneOnly, { channels: sent('sms'), skipped: [skip('email', 'no_email_address')] }],
    ['both', 'no addresses', unreachable, { channels: [], skipped: [skip('email', 'no_email_address'), skip('sms', 'no_phone_number')] }],
  ])('%s, recipient with %s', (mode, _label, recipient, expected) => {
    expect(selectChannels(mode, recipient)).toEqual(expected);
  });

  it('skips a channel whose address is on the stop list, and asks about the trimmed address', () => {
    const asked: [Channel, string][] = [];
    const selection = selectChannels('both', { ...reachable, phone: ` ${PHONE} ` }, (channel, address) => {
      asked.push([channel, address]);
      return channel === 'sms';
    });
    expect(asked).toEqual([
      ['email', EMAIL],
      ['sms', PHONE],
    ]);
    expect(selection).toEqual({ channels: sent('email'), skipped: [skip('sms', 'opted_out')] });
  });

  it('explains each skip in words', () => {
    const noAddress = selectChannels('both', unreachable);
    expect(noAddress.skipped.map((s) => s.message)).toEqual([
      'Jane Doe has no email address, so no email was sent',
      'Jane Doe has no mobile phone number, so no SMS was sent',
    ]);
    const optedOut = selectChannels('sms', { name: '', phone: PHONE }, () => true);
    expect(optedOut.skipped[0].message).toBe(`The customer opted out of SMS (${PHONE} is on the stop list), so no SMS was sent`);
  });

  it('does not ask the stop list about a channel that has no address', () => {
    const isOptedOut = jest.fn(() => false);
    selectChannels('both', emailOnly, isOptedOut);
    expect(isOptedOut).toHaveBeenCalledTimes(1);
    expect(isOptedOut).toHaveBeenCalledWith('email', EMAIL);
  });

  it('rejects an unknown channel mode or preferred method as invalid input', () => {
    expect(() => selectChannels('fax' as ChannelMode, reachable)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => selectChannels('follow_preference', { ...reachable, preferredConfirmationMethod: 'voice' as 'sms' })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});
