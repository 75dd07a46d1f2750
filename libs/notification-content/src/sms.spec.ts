import { composeSms, DEFAULT_REPLY_CODES, MAX_SMS_LENGTH, NotificationContext, renderSms, TemplateRenderError } from './index';

const ctx: NotificationContext = {
  customerName: 'Ann Lee',
  customerTitle: 'Annual check-up',
  start: '2026-01-15T08:30:00Z',
  end: '2026-01-15T09:15:00Z',
  timeZone: 'Asia/Kolkata',
  videoUrl: 'https://meet.example.com/abc',
  organizerName: 'Dr. Rivera',
  landingUrl: 'https://app.example.com/m/tok123',
};

describe('renderSms', () => {
  it('fills the placeholders as plain text', () => {
    expect(renderSms('Hi {{customerName}}, {{customerTitle}} {{date}} {{time}} ({{duration}}) at {{location}}. {{landingUrl}}', ctx)).toBe(
      'Hi Ann Lee, Annual check-up Thursday, January 15, 2026 2:00 PM (45 minutes) at https://meet.example.com/abc. https://app.example.com/m/tok123',
    );
  });

  it.each([
    { case: 'ampersands', value: 'Smith & Sons', expected: 'Hi Smith & Sons' },
    { case: 'angle brackets', value: '<script>x</script>', expected: 'Hi <script>x</script>' },
    { case: 'quotes', value: `"Bob" O'Neil`, expected: `Hi "Bob" O'Neil` },
  ])('does not HTML-escape $case', ({ value, expected }) => {
    expect(renderSms('Hi {{customerName}}', { ...ctx, customerName: value })).toBe(expected);
  });

  it('keeps the line breaks of the template', () => {
    expect(renderSms('Hi {{customerName}}\nReply 1 to accept\n', ctx)).toBe('Hi Ann Lee\nReply 1 to accept');
  });

  it.each(['{{{customerName}}}', '{{& customerName}}', '{{acceptUrl}}', '{{#if x}}y{{/if}}'])('refuses %j', (source) => {
    expect(() => renderSms(source, ctx)).toThrow(TemplateRenderError);
    expect(() => renderSms(source, ctx)).toThrow(/^smsBody: /);
  });
});

describe('composeSms', () => {
  const landingUrl = 'https://app.example.com/m/tok123';

  test.each([
    { case: 'the body alone', body: 'Hi {{customerName}}', options: {}, expected: 'Hi Ann Lee' },
    {
      case: 'the landing link on its own line',
      body: 'Hi {{customerName}}',
      options: { landingUrl },
      expected: 'Hi Ann Lee\nhttps://app.example.com/m/tok123',
    },
    {
      case: 'no second link when the body places it with {{landingUrl}}',
      body: 'Hi {{customerName}}, details: {{landingUrl}}',
      options: { landingUrl },
      expected: 'Hi Ann Lee, details: https://app.example.com/m/tok123',
    },
    {
      case: 'the given landing URL is also the value of {{landingUrl}}',
      body: 'See {{landingUrl}}',
      options: { landingUrl: 'https://app.example.com/m/other' },
      expected: 'See https://app.example.com/m/other',
    },
    {
      case: 'the default reply hint',
      body: 'Hi {{customerName}}',
      options: { replyCodes: DEFAULT_REPLY_CODES },
      expected: 'Hi Ann Lee\nReply 1 to confirm, 2 to reschedule, 3 to decline',
    },
    {
      case: 'link, then hint',
      body: 'Hi {{customerName}}\n',
      options: { landingUrl, replyCodes: DEFAULT_REPLY_CODES },
      expected: 'Hi Ann Lee\nhttps://app.example.com/m/tok123\nReply 1 to confirm, 2 to reschedule, 3 to decline',
    },
    {
      case: 'a hint in the code table order',
      body: 'Hi',
      options: {
        replyCodes: [
          { code: 'N', action: 'decline' as const },
          { code: 'Y', action: 'accept' as const },
        ],
      },
      expected: 'Hi\nReply N to decline, Y to confirm',
    },
    { case: 'no hint for an empty code list', body: 'Hi', options: { replyCodes: [] }, expected: 'Hi' },
    { case: 'no hint or link for null options', body: 'Hi', options: { landingUrl: null, replyCodes: null }, expected: 'Hi' },
  ])('$case', ({ body, options, expected }) => {
    expect(composeSms(body, ctx, options)).toBe(expected);
  });

  it('stays plain text', () => {
    expect(composeSms('Hi {{customerName}}', { ...ctx, customerName: 'Smith & <Sons>' }, { landingUrl })).toBe(
      'Hi Smith & <Sons>\n' + landingUrl,
    );
  });

  it('allows exactly MAX_SMS_LENGTH characters', () => {
    const hint = '\nReply 1 to confirm, 2 to reschedule, 3 to decline';
    const body = 'x'.repeat(MAX_SMS_LENGTH - hint.length);
    expect(composeSms(body, ctx, { replyCodes: DEFAULT_REPLY_CODES })).toHaveLength(1600);
  });

  it('refuses a message longer than 1600 characters once the link and hint are added', () => {
    const body = 'x'.repeat(1580);
    expect(() => composeSms(body, ctx)).not.toThrow();
    const attempt = () => composeSms(body, ctx, { landingUrl, replyCodes: DEFAULT_REPLY_CODES });
    expect(attempt).toThrow(TemplateRenderError);
    expect(attempt).toThrow(/^smsBody: the message is 1663 characters long .*at most 1600$/);
  });

  it('lists every problem at once', () => {
    const attempt = () =>
      composeSms('Hi {{acceptUrl}}', ctx, {
        landingUrl: 'javascript:alert(1)',
        replyCodes: [
          { code: ' ', action: 'accept' },
          { code: '2', action: 'maybe' as 'accept' },
        ],
      });
    let problems: readonly string[] = [];
    try {
      attempt();
    } catch (error) {
      if (error instanceof TemplateRenderError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^smsBody: .*unknown placeholder \{\{acceptUrl\}\}/),
      'landingUrl: "javascript:alert(1)" is not an http or https URL',
      'replyCodes[0]: " " is not a one-word code',
      'replyCodes[1]: "maybe" is not accept, decline or reschedule',
    ]);
  });

  it('keeps DEFAULT_REPLY_CODES as 1 accept, 2 reschedule, 3 decline, frozen', () => {
    expect(DEFAULT_REPLY_CODES).toEqual([
      { code: '1', action: 'accept' },
      { code: '2', action: 'reschedule' },
      { code: '3', action: 'decline' },
    ]);
    expect(Object.isFrozen(DEFAULT_REPLY_CODES)).toBe(true);
    expect(DEFAULT_REPLY_CODES.every((code) => Object.isFrozen(code))).toBe(true);
  });
});
