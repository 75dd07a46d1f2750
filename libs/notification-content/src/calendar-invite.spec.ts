import { execFileSync } from 'child_process';
import path from 'path';
import ICAL from 'ical.js';
import { formatInvite, inviteAttributes } from './calendar-invite';
import { buildCalendarInvite, calendarUid, CalendarInviteInput, TemplateRenderError } from './index';

const invite: CalendarInviteInput = {
  method: 'REQUEST',
  uid: 'evt-42@appointments.example',
  sequence: 0,
  start: '2026-01-15T14:00:00-05:00',
  end: '2026-01-15T15:30:00-05:00',
  title: 'Annual check-up',
  description: 'Bring your ID.\nArrive 10 minutes early.',
  location: 'Room 4, 1 Main St',
  url: 'https://app.example.com/m/tok123',
  organizer: { name: 'Dr. Rivera', email: 'clinic@example.com' },
  attendee: { name: 'Ann Lee', email: 'ann@example.com' },
};

/** The parsed calendar and its one VEVENT, as a calendar client reads them. */
function parse(content: string) {
  const calendar = new ICAL.Component(ICAL.parse(content));
  const event = calendar.getFirstSubcomponent('vevent');
  if (!event) throw new Error('no VEVENT');
  const text = (name: string) => String(event.getFirstPropertyValue(name));
  return { calendar, event, text };
}

function renderError(run: () => unknown): TemplateRenderError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateRenderError) return error;
    throw error;
  }
  throw new Error('expected a TemplateRenderError');
}

describe('buildCalendarInvite', () => {
  test.each([
    { method: 'REQUEST' as const, filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST' },
    { method: 'CANCEL' as const, filename: 'cancel.ics', contentType: 'text/calendar; method=CANCEL' },
  ])('$method: file name, and a MIME type whose method= equals the METHOD', ({ method, filename, contentType }) => {
    const attachment = buildCalendarInvite({ ...invite, method, sequence: 1 });
    expect(attachment).toMatchObject({ filename, contentType });
    expect(parse(attachment.content).calendar.getFirstPropertyValue('method')).toBe(method);
  });

  it('writes the event as a calendar client reads it', () => {
    const { event, text } = parse(buildCalendarInvite(invite).content);
    expect(text('uid')).toBe('evt-42@appointments.example');
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(text('dtstart')).toBe('2026-01-15T19:00:00Z');
    expect(text('dtend')).toBe('2026-01-15T20:30:00Z');
    expect(text('summary')).toBe('Annual check-up');
    expect(text('description')).toBe('Bring your ID.\nArrive 10 minutes early.');
    expect(text('location')).toBe('Room 4, 1 Main St');
    expect(text('url')).toBe('https://app.example.com/m/tok123');
    expect(event.getFirstPropertyValue('dtstamp')).not.toBeNull();
    expect(event.getFirstPropertyValue('status')).toBeNull();
    expect(event.getAllSubcomponents('valarm')).toHaveLength(0);
  });

  it('names the organizer and invites the recipient to answer', () => {
    const { event } = parse(buildCalendarInvite(invite).content);
    const organizer = event.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('MAILTO:clinic@example.com');
    expect(organizer?.getParameter('cn')).toBe('Dr. Rivera');
    const attendees = event.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    expect(attendees[0]?.getFirstValue()).toBe('mailto:ann@example.com');
    expect(attendees[0]?.getParameter('cn')).toBe('Ann Lee');
    expect(attendees[0]?.getParameter('rsvp')).toBe('TRUE');
    expect(attendees[0]?.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(attendees[0]?.getParameter('role')).toBe('REQ-PARTICIPANT');
  });

  it('cancels with the same UID, the given SEQUENCE, STATUS:CANCELLED and no VALARM', () => {
    const first = parse(buildCalendarInvite(invite).content);
    const { event, text } = parse(buildCalendarInvite({ ...invite, method: 'CANCEL', sequence: 2 }).content);
    expect(text('uid')).toBe(first.text('uid'));
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
    expect(text('status')).toBe('CANCELLED');
    expect(event.getAllSubcomponents('valarm')).toHaveLength(0);
    expect(event.getFirstProperty('organizer')?.getFirstValue()).toBe('MAILTO:clinic@example.com');
    expect(event.getFirstProperty('attendee')?.getParameter('rsvp')).toBe('FALSE');
  });

  it('keeps the UID and raises SEQUENCE for an update, so calendars move the entry', () => {
    const update = parse(
      buildCalendarInvite({ ...invite, sequence: 1, start: '2026-01-16T14:00:00-05:00', end: '2026-01-16T15:00:00-05:00' }).content,
    );
    expect(update.text('uid')).toBe('evt-42@appointments.example');
    expect(update.event.getFirstPropertyValue('sequence')).toBe(1);
    expect(update.text('dtstart')).toBe('2026-01-16T19:00:00Z');
  });

  test.each([
    {
      case: 'an instant with a negative offset',
      start: '2026-07-02T09:00:00-04:00',
      end: '2026-07-02T10:00:00-04:00',
      dtstart: '2026-07-02T13:00:00Z',
    },
    {
      case: 'an instant with a half-hour offset',
      start: '2026-01-15T14:00:00+05:30',
      end: '2026-01-15T15:00:00+05:30',
      dtstart: '2026-01-15T08:30:00Z',
    },
    { case: 'a UTC instant', start: '2026-01-15T19:00:00Z', end: '2026-01-15T20:00:00Z', dtstart: '2026-01-15T19:00:00Z' },
    { case: 'epoch milliseconds', start: Date.UTC(2026, 0, 15, 19, 0), end: Date.UTC(2026, 0, 15, 20, 0), dtstart: '2026-01-15T19:00:00Z' },
  ])('writes DTSTART in UTC from $case', ({ start, end, dtstart }) => {
    expect(parse(buildCalendarInvite({ ...invite, start, end }).content).text('dtstart')).toBe(dtstart);
  });

  it('uses CRLF line endings only', () => {
    const { content } = buildCalendarInvite({ ...invite, description: 'one\ntwo\r\nthree\rfour' });
    expect(content).toMatch(/\r\n$/);
    expect(content.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('leaves out the ATTENDEE, rather than breaking the file, for a recipient without an email address', () => {
    for (const email of [null, undefined, '', '  ']) {
      const { event } = parse(buildCalendarInvite({ ...invite, attendee: { name: 'Ann Lee', email } }).content);
      expect(event.getAllProperties('attendee')).toHaveLength(0);
      expect(event.getFirstProperty('organizer')).not.toBeNull();
    }
  });

  it('leaves out empty optional fields', () => {
    const { event } = parse(buildCalendarInvite({ ...invite, description: null, location: '  ', url: undefined }).content);
    for (const name of ['description', 'location', 'url']) expect(event.getFirstProperty(name)).toBeNull();
  });

  test.each([
    {
      case: 'commas, semicolons and backslashes in text',
      change: { title: 'Check-up; room 4, 2nd floor \\ east' },
      property: 'summary',
      expected: 'Check-up; room 4, 2nd floor \\ east',
    },
    {
      case: 'a line break in the title',
      change: { title: 'Check-up\r\nMETHOD:PUBLISH' },
      property: 'summary',
      expected: 'Check-up METHOD:PUBLISH',
    },
    {
      case: 'a line break in the location',
      change: { location: '1 Main St\nBEGIN:VALARM' },
      property: 'location',
      expected: '1 Main St BEGIN:VALARM',
    },
  ])('keeps $case inside its property', ({ change, property, expected }) => {
    const { event, text } = parse(buildCalendarInvite({ ...invite, ...change }).content);
    expect(text(property)).toBe(expected);
    expect(event.getAllSubcomponents('valarm')).toHaveLength(0);
  });

  it('keeps quotes and line breaks in names from breaking the ORGANIZER and ATTENDEE lines', () => {
    const { content } = buildCalendarInvite({
      ...invite,
      organizer: { name: 'Dr. "Bob"\r\nRivera', email: 'clinic@example.com' },
      attendee: { name: 'Ann\nLee', email: 'ann@example.com' },
    });
    const { event } = parse(content);
    expect(event.getFirstProperty('organizer')?.getParameter('cn')).toBe("Dr. 'Bob' Rivera");
    expect(event.getFirstProperty('attendee')?.getParameter('cn')).toBe('Ann Lee');
  });

  test.each([
    {
      case: 'an unknown method',
      change: { method: 'PUBLISH' as unknown as 'REQUEST' },
      problem: /^method: "PUBLISH" is not REQUEST or CANCEL$/,
    },
    { case: 'an empty UID', change: { uid: ' ' }, problem: /^uid: / },
    { case: 'a UID with a line break', change: { uid: 'a\nb' }, problem: /^uid: / },
    { case: 'a negative sequence', change: { sequence: -1 }, problem: /^sequence: -1 is not a whole number/ },
    { case: 'a fractional sequence', change: { sequence: 1.5 }, problem: /^sequence: 1.5 / },
    { case: 'a local time without an offset', change: { start: '2026-01-15T14:00:00' }, problem: /^start: .*with an offset/ },
    { case: 'fractional epoch milliseconds', change: { end: 1.5 }, problem: /^end: 1.5 is not a time in epoch milliseconds/ },
    { case: 'an end before the start', change: { end: '2026-01-15T13:00:00-05:00' }, problem: /^end: the meeting ends before it starts$/ },
    { case: 'an empty title', change: { title: '' }, problem: /^title: is empty$/ },
    { case: 'a javascript: URL', change: { url: 'javascript:alert(1)' }, problem: /^url: .* is not an http or https URL$/ },
    {
      case: 'an organizer without an email',
      change: { organizer: { name: 'Dr. Rivera', email: '' } },
      problem: /^organizer\.email: is required/,
    },
  ])('refuses $case', ({ change, problem }) => {
    const error = renderError(() => buildCalendarInvite({ ...invite, ...change }));
    expect(error.code).toBe('invalid_input');
    expect(error.problems).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    [{ attendee: { name: 'Ann', email: 'not an address' } }, 'attendee.email: "not an address" is not an email address'],
    [{ organizer: { name: 'Bo', email: 'bo@' } }, 'organizer.email: "bo@" is not an email address'],
  ])('refuses a malformed email address rather than write a broken line (%o)', (change, problem) => {
    const error = renderError(() => buildCalendarInvite({ ...invite, ...change }));
    expect(error.problems).toEqual([problem]);
  });

  it.each([
    ['REQUEST', {}],
    ['CANCEL', { method: 'CANCEL' as const, sequence: 3 }],
    ['without optional fields', { description: null, location: null, url: null, attendee: { name: 'Ann' } }],
    [
      'with line breaks, commas and semicolons',
      { title: 'Visit; a, b', description: 'Line 1\nLine 2; more, text', location: 'Main St, 1; back door' },
    ],
  ])("writes the same file as ics's validating createEvent (%s)", (_name, change) => {
    const withoutStamp = (text: string) => text.replace(/^DTSTAMP:.*\r\n/m, '');
    const fast = buildCalendarInvite({ ...invite, ...change }).content;
    const event = inviteAttributes({ ...invite, ...change });
    const validated = formatInvite(event, { validated: true });
    expect(validated.error ?? null).toBeNull();
    expect(withoutStamp(fast)).toBe(withoutStamp(validated.value!));
  });

  describe("does not depend on the server's time zone", () => {
    const repoRoot = path.resolve(__dirname, '../../..');
    /**
     * Jest's `process.env` is a copy, so setting TZ here would not reach V8: build the
     * invite in a child Node process started with TZ set, loading this lib's TypeScript
     * through the compiler's transpiler.
     */
    const buildIn = (timeZone: string, inputs: CalendarInviteInput[]): { offsetMinutes: number; contents: string[] } => {
      const script = `
        const ts = require('typescript');
        const fs = require('fs');
        require.extensions['.ts'] = (module, file) => module._compile(
          ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText,
          file,
        );
        const { buildCalendarInvite } = require(${JSON.stringify(path.join(__dirname, 'calendar-invite.ts'))});
        const inputs = JSON.parse(process.argv[1]);
        const offsetMinutes = new Date(2026, 0, 15).getTimezoneOffset();
        process.stdout.write(JSON.stringify({ offsetMinutes, contents: inputs.map((input) => buildCalendarInvite(input).content) }));
      `;
      const output = execFileSync(process.execPath, ['-e', script, JSON.stringify(inputs)], {
        cwd: repoRoot,
        env: { ...process.env, TZ: timeZone },
        encoding: 'utf8',
      });
      return JSON.parse(output) as { offsetMinutes: number; contents: string[] };
    };

    test.each([
      { timeZone: 'Pacific/Auckland', offsetMinutes: -780 },
      { timeZone: 'America/Los_Angeles', offsetMinutes: 480 },
    ])('TZ=$timeZone', ({ timeZone, offsetMinutes }) => {
      const result = buildIn(timeZone, [
        { ...invite, start: '2026-01-15T14:00:00-05:00', end: '2026-01-15T15:30:00-05:00' },
        { ...invite, start: Date.UTC(2026, 0, 15, 19, 0), end: Date.UTC(2026, 0, 15, 20, 30) },
      ]);
      expect(result.offsetMinutes).toBe(offsetMinutes); // the child really ran in that zone
      expect(result.contents).toHaveLength(2);
      for (const content of result.contents) {
        const { text } = parse(content);
        expect(text('dtstart')).toBe('2026-01-15T19:00:00Z');
        expect(text('dtend')).toBe('2026-01-15T20:30:00Z');
      }
    });
  });
});

describe('calendarUid', () => {
  it("is the event's, the same on every call, and another event's differs", () => {
    const eventId = '0b6c1f0e-4d0b-4a8e-9c31-2f1d7e5a9b10';
    expect(calendarUid(eventId)).toBe(calendarUid(eventId));
    expect(calendarUid(eventId)).toContain(eventId);
    expect(calendarUid('1c7d2a1f-5e1c-4b9f-8d42-3a2e8f6b0c21')).not.toBe(calendarUid(eventId));
  });
});
