import { DEFAULT_STATUS_LABELS, findUnknownTitlePlaceholders, renderEventTitle, TITLE_PLACEHOLDERS } from './event-title';
import { BOOKING_STATUSES, type BookingStatus } from './vocabulary';

describe('event title', () => {
  it('has an upper-case default label for every booking status', () => {
    expect(DEFAULT_STATUS_LABELS).toEqual({
      draft: 'DRAFT',
      booked: 'BOOKED',
      invited: 'INVITED',
      confirmed: 'CONFIRMED',
      declined: 'DECLINED',
      rescheduling: 'RESCHEDULING',
      cancelled: 'CANCELLED',
    });
    expect(Object.keys(DEFAULT_STATUS_LABELS).sort()).toEqual([...BOOKING_STATUSES].sort());
  });

  const jane = { customerName: 'Jane Doe', organizerName: 'Sam Lee', customerTitle: 'Your Appointment with Acme' };

  // pattern | booking status | values beyond Jane's | rendered title
  it.each<[string, BookingStatus, object, string]>([
    ['{status} – {customerName}', 'confirmed', {}, 'CONFIRMED – Jane Doe'],
    ['{status} – {customerName}', 'rescheduling', {}, 'RESCHEDULING – Jane Doe'],
    ['[{status}] {customerName} with {organizerName}', 'invited', {}, '[INVITED] Jane Doe with Sam Lee'],
    ['{customerTitle} ({status})', 'booked', {}, 'Your Appointment with Acme (BOOKED)'],
    ['{status} {status}', 'declined', {}, 'DECLINED DECLINED'],
    ['{status} – {customerName}', 'confirmed', { statusLabels: { confirmed: 'Confirmé' } }, 'Confirmé – Jane Doe'],
    ['{status} – {customerName}', 'declined', { statusLabels: { confirmed: 'Confirmé' } }, 'DECLINED – Jane Doe'],
    ['{status} {customerName} {organizerName}', 'draft', { organizerName: undefined }, 'DRAFT Jane Doe'],
    ['  {customerTitle}  {status}  ', 'cancelled', { customerTitle: undefined }, 'CANCELLED'],
    ['{status} {priority} {customerName}', 'booked', {}, 'BOOKED {priority} Jane Doe'],
    ['{Status} { status } {}', 'booked', {}, '{Status} { status } {}'],
    ['{status}', 'booked', { customerName: '{status}' }, 'BOOKED'],
    ['{customerName}', 'booked', { customerName: 'Mr {status}' }, 'Mr {status}'],
    ['Call', 'booked', {}, 'Call'],
  ])('%p for a %s event with %j → %p', (pattern, bookingStatus, extra, title) => {
    expect(renderEventTitle(pattern, { ...jane, ...extra, bookingStatus })).toBe(title);
  });

  it('lists the placeholders a pattern may use', () => {
    expect(TITLE_PLACEHOLDERS).toEqual(['{status}', '{customerName}', '{organizerName}', '{customerTitle}']);
  });

  // pattern | unknown placeholders
  it.each<[string, string[]]>([
    ['{status} – {customerName} with {organizerName} ({customerTitle})', []],
    ['Meeting', []],
    ['{status} {priority}', ['{priority}']],
    ['{Status} {customername}', ['{Status}', '{customername}']],
    ['{ status } {}', ['{ status }', '{}']],
    ['{foo} {status} {foo} {bar}', ['{foo}', '{bar}']],
  ])('%p has unknown placeholders %j', (pattern, unknown) => {
    expect(findUnknownTitlePlaceholders(pattern)).toEqual(unknown);
  });
});
