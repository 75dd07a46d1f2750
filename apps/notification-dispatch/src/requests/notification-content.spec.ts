import type { NotificationRequestedPayload } from '@appointments/contracts';
import { TemplateRenderError } from '@appointments/notification-content';
import { composeNotification } from './notification-content';

const NO_BUTTONS = { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false };

function request(overrides: Partial<NotificationRequestedPayload> = {}): NotificationRequestedPayload {
  return {
    requestId: 'r1',
    type: 'rsvp_request',
    configKey: 'rsvp',
    requestedBy: null,
    notifications: [],
    skipped: [],
    recipient: { customerId: 'c1', name: 'Ann <b>Lee</b>', email: 'ann@example.com', phone: '+14155550100' },
    event: {
      id: 'e1',
      title: '[CONFIRMED] Site visit with Ann',
      customerTitle: 'Your Appointment with Acme',
      start: '2027-01-15T19:00:00Z',
      end: '2027-01-15T20:30:00Z',
      timeZone: 'America/New_York',
      location: '123 Main St',
      videoUrl: null,
      description: null,
      organizer: { name: 'Olga', email: 'olga@example.com' },
      calendarSequence: 0,
    },
    config: {
      key: 'rsvp',
      type: 'rsvp_request',
      channelMode: 'email',
      emailSubject: 'Customer subject',
      emailBody: '<p>Customer body</p>',
      smsBody: "Confirmed! We'll see you at {{location}} on {{date}} at {{time}}.",
      buttons: NO_BUTTONS,
    },
    sender: { name: 'Acme', email: 'appointments@example.com', imageUrl: null },
    ...overrides,
  };
}

const internal = (overrides: Partial<NotificationRequestedPayload> = {}) =>
  request({
    type: 'internal',
    recipient: { customerId: 'c1', name: 'Olga', email: 'olga@example.com', phone: null },
    internal: {
      responseId: 'x',
      response: 'decline',
      reason: '<script>alert(1)</script>',
      customerName: 'Ann <b>Lee</b>',
      channel: 'sms_reply',
      respondedAt: '2027-01-10T14:05:00Z',
      meetingName: 'Site visit',
    },
    ...overrides,
  });

describe('composeNotification for system types', () => {
  it('internal: the follower email from the internal template, escaped, from the sender, without .ics or the customer texts', () => {
    const composed = composeNotification(internal(), 'email', null);
    expect(composed.subject).toBe('Ann <b>Lee</b> declined Site visit on Friday, January 15, 2027 at 2:00 PM: <script>alert(1)</script>');
    expect(composed.html).toContain('Hello Olga,');
    expect(composed.html).toContain('Ann &lt;b&gt;Lee&lt;/b&gt;');
    expect(composed.html).not.toMatch(/<script|<b>/);
    expect(composed.html).not.toContain('Customer body');
    expect(composed.attachments).toEqual([]);
    expect(composed.from).toEqual({ email: 'appointments@example.com', name: 'Acme' });
  });

  it('internal without the response it is about cannot be rendered', () => {
    expect(() => composeNotification(internal({ internal: undefined }), 'email', null)).toThrow(TemplateRenderError);
  });

  it('auto_reply: the config text rendered with the event data, no landing link, no reply hint', () => {
    const composed = composeNotification(
      request({ type: 'auto_reply', config: { ...request().config, replyCodes: { enabled: true } } }),
      'sms',
      'https://example.com/m/token',
    );
    expect(composed.smsBody).toBe("Confirmed! We'll see you at 123 Main St on Friday, January 15, 2027 at 2:00 PM.");
    expect(composed.smsSegments).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(composed.attachments).toEqual([]);
  });

  it('auto_reply by email is refused', () => {
    expect(() => composeNotification(request({ type: 'auto_reply' }), 'email', null)).toThrow(/SMS only/);
  });

  it('customer types still use the config texts and carry the .ics', () => {
    const composed = composeNotification(request(), 'email', null);
    expect(composed.subject).toBe('Customer subject');
    expect(composed.attachments).toHaveLength(1);
  });
});
