import { NotificationContext, placeholderValues, TEMPLATE_PLACEHOLDERS, TemplateRenderError } from './index';

const base: NotificationContext = {
  customerName: 'Ann Lee',
  customerTitle: 'Annual check-up',
  start: '2026-01-15T19:00:00Z',
  end: '2026-01-15T20:30:00Z',
  timeZone: 'America/New_York',
  organizerName: 'Dr. Rivera',
};

describe('placeholderValues', () => {
  describe('computes date, time and duration in the event time zone', () => {
    test.each([
      {
        case: 'New York afternoon (winter, EST)',
        timeZone: 'America/New_York',
        start: '2026-01-15T19:00:00Z',
        end: '2026-01-15T20:30:00Z',
        date: 'Thursday, January 15, 2026',
        time: '2:00 PM',
        endTime: '3:30 PM',
        duration: '1 hour 30 minutes',
      },
      {
        case: 'New York evening is still the previous day there',
        timeZone: 'America/New_York',
        start: '2026-01-16T03:00:00Z',
        end: '2026-01-16T03:45:00Z',
        date: 'Thursday, January 15, 2026',
        time: '10:00 PM',
        endTime: '10:45 PM',
        duration: '45 minutes',
      },
      {
        case: 'New York across the spring-forward gap (1:30 EST to 3:30 EDT is one real hour)',
        timeZone: 'America/New_York',
        start: '2026-03-08T06:30:00Z',
        end: '2026-03-08T07:30:00Z',
        date: 'Sunday, March 8, 2026',
        time: '1:30 AM',
        endTime: '3:30 AM',
        duration: '1 hour',
      },
      {
        case: 'New York summer (EDT) from an instant given with an offset',
        timeZone: 'America/New_York',
        start: '2026-07-02T09:00:00-04:00',
        end: '2026-07-02T11:00:00-04:00',
        date: 'Thursday, July 2, 2026',
        time: '9:00 AM',
        endTime: '11:00 AM',
        duration: '2 hours',
      },
      {
        case: 'Berlin winter (CET)',
        timeZone: 'Europe/Berlin',
        start: '2026-01-15T13:00:00Z',
        end: '2026-01-15T14:00:00Z',
        date: 'Thursday, January 15, 2026',
        time: '2:00 PM',
        endTime: '3:00 PM',
        duration: '1 hour',
      },
      {
        case: 'Berlin across the spring-forward gap (CET to CEST)',
        timeZone: 'Europe/Berlin',
        start: '2026-03-29T00:30:00Z',
        end: '2026-03-29T01:30:00Z',
        date: 'Sunday, March 29, 2026',
        time: '1:30 AM',
        endTime: '3:30 AM',
        duration: '1 hour',
      },
      {
        case: 'Berlin across the fall-back (2:30 CEST to 2:30 CET is one real hour)',
        timeZone: 'Europe/Berlin',
        start: '2026-10-25T00:30:00Z',
        end: '2026-10-25T01:30:00Z',
        date: 'Sunday, October 25, 2026',
        time: '2:30 AM',
        endTime: '2:30 AM',
        duration: '1 hour',
      },
      {
        case: 'Kolkata (UTC+5:30, no DST)',
        timeZone: 'Asia/Kolkata',
        start: '2026-01-15T08:30:00Z',
        end: '2026-01-15T09:15:00Z',
        date: 'Thursday, January 15, 2026',
        time: '2:00 PM',
        endTime: '2:45 PM',
        duration: '45 minutes',
      },
      {
        case: 'Kolkata, the date moves forward past midnight UTC+5:30',
        timeZone: 'Asia/Kolkata',
        start: '2026-01-14T19:00:00Z',
        end: '2026-01-16T20:10:00Z',
        date: 'Thursday, January 15, 2026',
        time: '12:30 AM',
        endTime: '1:40 AM',
        duration: '2 days 1 hour 10 minutes',
      },
    ])('$case', ({ timeZone, start, end, date, time, endTime, duration }) => {
      const values = placeholderValues({ ...base, timeZone, start, end });
      expect(values).toMatchObject({ date, time, endTime, duration, timeZone });
    });
  });

  it('uses ordinary spaces only (ICU narrow no-break spaces would make an SMS UCS-2)', () => {
    const values = placeholderValues(base);
    for (const value of Object.values(values)) expect(value).not.toMatch(/[\u00A0\u202F]/);
  });

  it('formats in the requested locale', () => {
    const values = placeholderValues({
      ...base,
      timeZone: 'Europe/Berlin',
      start: '2026-01-15T13:00:00Z',
      end: '2026-01-15T14:30:00Z',
      locale: 'de-DE',
    });
    expect(values).toMatchObject({ date: 'Donnerstag, 15. Januar 2026', time: '14:00', duration: '1 Stunde 30 Minuten' });
  });

  it.each([
    {
      case: 'the location when there is one',
      location: 'Room 4, 1 Main St',
      videoUrl: 'https://meet.example.com/x',
      expected: 'Room 4, 1 Main St',
    },
    {
      case: 'the video link when there is no location',
      location: null,
      videoUrl: 'https://meet.example.com/x',
      expected: 'https://meet.example.com/x',
    },
    {
      case: 'the video link when the location is blank',
      location: '  ',
      videoUrl: 'https://meet.example.com/x',
      expected: 'https://meet.example.com/x',
    },
    { case: 'empty when there is neither', location: undefined, videoUrl: undefined, expected: '' },
  ])('location is $case', ({ location, videoUrl, expected }) => {
    expect(placeholderValues({ ...base, location, videoUrl }).location).toBe(expected);
  });

  it('gives every known placeholder a value, empty for missing optional data', () => {
    const values = placeholderValues(base);
    expect(Object.keys(values).sort()).toEqual([...TEMPLATE_PLACEHOLDERS].sort());
    expect(values).toMatchObject({
      customerName: 'Ann Lee',
      customerTitle: 'Annual check-up',
      organizerName: 'Dr. Rivera',
      organizerEmail: '',
      landingUrl: '',
      description: '',
    });
  });

  it.each([
    { case: 'an unknown time zone', change: { timeZone: 'Mars/Olympus_Mons' }, message: /timeZone/ },
    { case: 'a start without an offset', change: { start: '2026-01-15T14:00:00' }, message: /start: .* with an offset/ },
    { case: 'an unreadable end', change: { end: 'tomorrow' }, message: /end: / },
    { case: 'an end before the start', change: { end: '2026-01-15T18:00:00Z' }, message: /ends before it starts/ },
    { case: 'an invalid locale', change: { locale: 'not a locale!' }, message: /locale/ },
  ])('refuses $case with a TemplateRenderError', ({ change, message }) => {
    const attempt = () => placeholderValues({ ...base, ...change });
    expect(attempt).toThrow(TemplateRenderError);
    expect(attempt).toThrow(message);
  });
});
