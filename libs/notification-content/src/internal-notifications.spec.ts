import { NotificationContext, renderResponseNotice, renderResponseNoticeSms, ResponseNotice } from './index';

const ctx: NotificationContext = {
  customerName: 'Ann Customer',
  customerTitle: 'Your Appointment with Acme',
  start: '2027-01-15T19:00:00Z',
  end: '2027-01-15T20:30:00Z',
  timeZone: 'America/New_York',
  location: '123 Main St',
  organizerName: 'Olga Organizer',
};

const notice = (overrides: Partial<ResponseNotice> = {}): ResponseNotice => ({
  response: 'accept',
  reason: null,
  channel: 'email_link',
  respondedAt: '2027-01-10T14:05:00Z',
  meetingName: 'Site visit',
  followerName: 'Olga Organizer',
  ...overrides,
});

describe('renderResponseNotice: the follower email about a customer response', () => {
  it.each([
    ['accept', null, 'Ann Customer accepted Site visit on Friday, January 15, 2027 at 2:00 PM'],
    ['decline', 'Too far away', 'Ann Customer declined Site visit on Friday, January 15, 2027 at 2:00 PM: Too far away'],
    ['decline', null, 'Ann Customer declined Site visit on Friday, January 15, 2027 at 2:00 PM'],
    [
      'reschedule',
      'Can we do Monday?',
      'Ann Customer asked to reschedule Site visit on Friday, January 15, 2027 at 2:00 PM: Can we do Monday?',
    ],
  ] as const)('%s with reason %p reads "%s"', (response, reason, subject) => {
    const email = renderResponseNotice(notice({ response, reason }), ctx);
    expect(email.subject).toBe(subject);
    expect(email.text).toContain(`${subject.split(' PM')[0]} PM.`);
    if (reason) {
      expect(email.text).toContain(`Reason: ${reason}`);
      expect(email.html).toContain(reason);
    } else {
      expect(email.text).not.toContain('Reason:');
    }
  });

  it.each([
    ['email_link', 'the link in the email'],
    ['sms_link', 'the link in the SMS'],
    ['sms_reply', 'an SMS reply'],
  ])('names the channel %s as "%s"', (channel, words) => {
    expect(renderResponseNotice(notice({ channel }), ctx).text).toContain(`Through: ${words}`);
  });

  it('shows when the customer answered, in the event time zone, and where the meeting is', () => {
    const { text } = renderResponseNotice(notice(), ctx);
    expect(text).toContain('Answered: Sunday, January 10, 2027 at 9:05 AM EST');
    expect(text).toContain('Location: 123 Main St');
    expect(text).toContain('Meeting: Site visit, Friday, January 15, 2027 at 2:00 PM (America/New_York), 1 hour 30 minutes');
  });

  it('escapes a hostile customer name, reason and meeting name in the HTML', () => {
    const hostile = '<script>alert("x")</script>';
    const email = renderResponseNotice(
      notice({ response: 'decline', reason: `<img src=x onerror=alert(1)> & "quotes"`, meetingName: '<b>Visit</b>' }),
      { ...ctx, customerName: hostile, location: '<iframe src="javascript:alert(1)">' },
    );
    expect(email.html).not.toMatch(/<script|<img|<iframe|<b>Visit/);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(email.html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(email.html).toContain('&lt;b&gt;Visit&lt;/b&gt;');
    // The text part and the subject are plain text: shown as typed.
    expect(email.text).toContain(`Customer: ${hostile}`);
  });

  it('keeps the subject on one line and shortens a long reason there (the body has all of it)', () => {
    const reason = `first line\r\nBcc: someone@example.com ${'x'.repeat(200)}`;
    const email = renderResponseNotice(notice({ response: 'decline', reason }), ctx);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject.endsWith('…')).toBe(true);
    expect(email.subject.length).toBeLessThan(200);
    expect(email.text).toContain('x'.repeat(200));
  });

  it('links to the event only with an http(s) URL', () => {
    expect(renderResponseNotice(notice({ eventUrl: 'https://staff.example.com/events/1' }), ctx).html).toContain(
      '<a href="https://staff.example.com/events/1">Open the event</a>',
    );
    const unsafe = renderResponseNotice(notice({ eventUrl: 'javascript:alert(1)' }), ctx);
    expect(unsafe.html).not.toContain('javascript:');
    expect(unsafe.text).not.toContain('Open the event');
  });

  it('has an SMS form: the subject line', () => {
    expect(renderResponseNoticeSms(notice({ response: 'reschedule', reason: 'Monday?' }), ctx)).toBe(
      'Ann Customer asked to reschedule Site visit on Friday, January 15, 2027 at 2:00 PM: Monday?',
    );
  });
});
