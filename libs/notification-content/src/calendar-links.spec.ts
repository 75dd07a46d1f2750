import { CalendarLinkEvent, googleCalendarUrl, googleMapsUrl, outlookCalendarUrl, TemplateRenderError } from './index';

const event: CalendarLinkEvent = {
  title: 'Annual check-up & review',
  start: '2026-01-15T14:00:00-05:00',
  end: '2026-01-15T15:30:00-05:00',
  description: 'Bring your ID.\nArrive early.',
  location: 'Room 4, 1 Main St',
};

describe('googleCalendarUrl', () => {
  it('pre-fills title, UTC times, details and location, every value encoded', () => {
    expect(googleCalendarUrl(event)).toBe(
      'https://calendar.google.com/calendar/render?action=TEMPLATE&text=Annual%20check-up%20%26%20review' +
        '&dates=20260115T190000Z%2F20260115T203000Z&details=Bring%20your%20ID.%0AArrive%20early.&location=Room%204%2C%201%20Main%20St',
    );
  });

  it('reads epoch milliseconds and leaves out empty details and location', () => {
    const url = googleCalendarUrl({
      title: 'Call',
      start: Date.UTC(2026, 6, 2, 13),
      end: Date.UTC(2026, 6, 2, 14),
      description: null,
      location: ' ',
    });
    expect(url).toBe('https://calendar.google.com/calendar/render?action=TEMPLATE&text=Call&dates=20260702T130000Z%2F20260702T140000Z');
  });

  it('round-trips hostile values through the query string', () => {
    const title = 'A&B=C?#/ "quoted" <x>';
    const params = new URL(googleCalendarUrl({ ...event, title })).searchParams;
    expect(params.get('text')).toBe(title);
    expect(params.get('location')).toBe(event.location);
    expect([...params.keys()]).toEqual(['action', 'text', 'dates', 'details', 'location']);
  });
});

describe('outlookCalendarUrl', () => {
  it('builds the outlook.live.com compose link with UTC times', () => {
    expect(outlookCalendarUrl(event)).toBe(
      'https://outlook.live.com/calendar/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent' +
        '&startdt=2026-01-15T19%3A00%3A00Z&enddt=2026-01-15T20%3A30%3A00Z&subject=Annual%20check-up%20%26%20review' +
        '&body=Bring%20your%20ID.%0AArrive%20early.&location=Room%204%2C%201%20Main%20St',
    );
    const params = new URL(outlookCalendarUrl(event)).searchParams;
    expect(params.get('startdt')).toBe('2026-01-15T19:00:00Z');
    expect(params.get('path')).toBe('/calendar/action/compose');
  });
});

describe.each([
  { name: 'googleCalendarUrl', build: googleCalendarUrl },
  { name: 'outlookCalendarUrl', build: outlookCalendarUrl },
])('$name refuses', ({ build }) => {
  test.each([
    { case: 'a local time without an offset', change: { start: '2026-01-15T14:00:00' }, problem: /^start: / },
    { case: 'an end before the start', change: { end: '2026-01-15T13:00:00-05:00' }, problem: /^end: the meeting ends before it starts$/ },
  ])('$case', ({ change, problem }) => {
    expect(() => build({ ...event, ...change })).toThrow(TemplateRenderError);
    expect(() => build({ ...event, ...change })).toThrow(problem);
  });
});

describe('googleMapsUrl', () => {
  test.each([
    { address: '1 Main St, Springfield', expected: 'https://www.google.com/maps/search/?api=1&query=1%20Main%20St%2C%20Springfield' },
    {
      address: '  Café Zürich #2 & Co  ',
      expected: 'https://www.google.com/maps/search/?api=1&query=Caf%C3%A9%20Z%C3%BCrich%20%232%20%26%20Co',
    },
  ])('searches for $address', ({ address, expected }) => {
    expect(googleMapsUrl(address)).toBe(expected);
  });

  it('refuses an empty address', () => {
    expect(() => googleMapsUrl('  ')).toThrow(TemplateRenderError);
  });
});
