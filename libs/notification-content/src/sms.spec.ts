import { NotificationContext, renderSms, TemplateRenderError } from './index';

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
