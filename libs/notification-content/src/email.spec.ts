import { ActionButton, NotificationContext, renderEmail, TemplateRenderError } from './index';

const ctx: NotificationContext = {
  customerName: 'Ann Lee',
  customerTitle: 'Annual check-up',
  start: '2026-01-15T19:00:00Z',
  end: '2026-01-15T20:30:00Z',
  timeZone: 'America/New_York',
  location: '1 Main St',
  organizerName: 'Dr. Rivera',
  landingUrl: 'https://app.example.com/m/tok123',
};

const plainConfig = { emailSubject: 'Your {{customerTitle}} on {{date}}', emailBody: 'Hello {{customerName}}' };
const accept: ActionButton = { label: 'Accept', url: 'https://app.example.com/m/tok123/accept' };
const decline: ActionButton = { label: 'Decline', url: 'https://app.example.com/m/tok123/decline' };

function renderError(run: () => unknown): TemplateRenderError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateRenderError) return error;
    throw error;
  }
  throw new Error('expected a TemplateRenderError');
}

const buttonCount = (html: string) => (html.match(/bgcolor="/g) ?? []).length;

describe('renderEmail', () => {
  it('renders subject, a complete responsive HTML document and a text part', () => {
    const email = renderEmail(
      {
        emailSubject: 'Your {{customerTitle}} on {{date}}',
        emailBody: '<p>Hello {{customerName}},</p><p>See you at {{time}} ({{timeZone}}) at {{location}} for {{duration}}.</p>',
      },
      ctx,
      { buttons: [accept] },
    );
    expect(email.subject).toBe('Your Annual check-up on Thursday, January 15, 2026');
    expect(email.html).toMatch(/^<!DOCTYPE html>\n<html lang="en-US">/);
    expect(email.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(email.html).toContain('max-width:600px');
    expect(email.html).toContain('<title>Your Annual check-up on Thursday, January 15, 2026</title>');
    expect(email.html).toContain('<p>Hello Ann Lee,</p><p>See you at 2:00 PM (America/New_York) at 1 Main St for 1 hour 30 minutes.</p>');
    expect(email.html.trimEnd()).toMatch(/<\/html>$/);
  });

  describe('HTML-escapes every value in the body', () => {
    test.each([
      {
        case: 'a script tag in the customer name',
        change: { customerName: '<script>alert(1)</script>' },
        body: '<p>Hello {{customerName}}</p>',
        escaped: '<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>',
        absent: '<script',
      },
      {
        case: 'quotes in the title',
        change: { customerTitle: `He said "hi" and 'bye'` },
        body: '{{customerTitle}}',
        escaped: 'He said &quot;hi&quot; and &#x27;bye&#x27;',
        absent: '"hi"',
      },
      {
        case: 'ampersands in the organizer name',
        change: { organizerName: 'Smith & Sons &amp; Co' },
        body: '{{organizerName}}',
        escaped: 'Smith &amp; Sons &amp;amp; Co',
        absent: 'Smith & Sons',
      },
      {
        case: 'an attribute break-out in a link the body builds',
        change: { landingUrl: 'https://x.example/" onclick="alert(1)' },
        body: '<a href="{{landingUrl}}">details</a>',
        escaped: '<a href="https://x.example/&quot; onclick&#x3D;&quot;alert(1)">details</a>',
        absent: 'onclick="',
      },
      {
        case: 'markup in a location (shown instead of the video link)',
        change: { location: '<img src=x onerror=alert(1)>' },
        body: 'At {{location}}',
        escaped: 'At &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;',
        absent: '<img',
      },
      {
        case: 'line breaks in a description, kept as <br> after escaping',
        change: { description: 'Bring <ID>\nArrive early' },
        body: '<div>{{description}}</div>',
        escaped: '<div>Bring &lt;ID&gt;<br>\nArrive early</div>',
        absent: '<ID>',
      },
    ])('$case', ({ change, body, escaped, absent }) => {
      const email = renderEmail({ emailSubject: 'S', emailBody: body }, { ...ctx, ...change });
      expect(email.html).toContain(escaped);
      expect(email.html).not.toContain(absent);
    });
  });

  it('keeps staff-authored HTML in the body as HTML', () => {
    const email = renderEmail({ emailSubject: 'S', emailBody: '<p>Dear <strong>{{customerName}}</strong></p>' }, ctx);
    expect(email.html).toContain('<p>Dear <strong>Ann Lee</strong></p>');
  });

  it.each([
    {
      case: 'a plain-text body: newlines become <br>',
      body: 'Hello {{customerName}},\n\nSee you.',
      contains: 'Hello Ann Lee,<br>\n<br>\nSee you.',
    },
    {
      case: 'a body with block tags: newlines are left alone',
      body: '<p>Hello {{customerName}},</p>\n<p>See you.</p>',
      contains: '<p>Hello Ann Lee,</p>\n<p>See you.</p>',
    },
    { case: 'a body with its own <br>: no extra breaks', body: 'Hello,<br>\nSee you.', contains: 'Hello,<br>\nSee you.' },
  ])('line breaks for $case', ({ body, contains }) => {
    const { html } = renderEmail({ emailSubject: 'S', emailBody: body }, ctx);
    expect(html).toContain(contains);
    expect(html).not.toContain('<br>\n<br>\n<br>');
  });

  describe('refuses unescaped output at render time, even without checkTemplateSyntax', () => {
    test.each([
      { field: 'emailBody', config: { emailSubject: 'S', emailBody: 'Hi {{{customerName}}}' } },
      { field: 'emailBody', config: { emailSubject: 'S', emailBody: 'Hi {{& customerName}}' } },
      { field: 'emailSubject', config: { emailSubject: '{{{customerName}}}', emailBody: 'B' } },
    ])('$config', ({ field, config }) => {
      const error = renderError(() => renderEmail(config, { ...ctx, customerName: '<script>x</script>' }));
      expect(error.code).toBe('invalid_input');
      expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^${field}: .*unescaped HTML`))]);
    });
  });

  it('refuses an unknown placeholder, and reports subject and body problems together', () => {
    const error = renderError(() => renderEmail({ emailSubject: '{{acceptUrl}}', emailBody: '{{#if location}}x{{/if}}' }, ctx));
    expect(error).toBeInstanceOf(TemplateRenderError);
    expect(error.problems).toEqual([
      expect.stringMatching(/^emailSubject: .*unknown placeholder \{\{acceptUrl\}\}; known placeholders: customerName/),
      expect.stringMatching(/^emailBody: .*blocks such as/),
    ]);
  });

  describe('subject is one plain-text line', () => {
    test.each([
      {
        case: 'CRLF in the template (header injection)',
        subject: 'Hello\r\nBcc: victim@example.com',
        change: {},
        expected: 'Hello Bcc: victim@example.com',
      },
      {
        case: 'LF in a value',
        subject: 'Re: {{customerTitle}}',
        change: { customerTitle: 'Check-up\nBcc: victim@example.com' },
        expected: 'Re: Check-up Bcc: victim@example.com',
      },
      { case: 'bare CR and Unicode line separators', subject: 'A\rB\u2028C\u2029D', change: {}, expected: 'A B C D' },
      {
        case: 'HTML characters are not escaped',
        subject: '{{customerName}}',
        change: { customerName: 'Tom & Jerry <TJ> "x"' },
        expected: 'Tom & Jerry <TJ> "x"',
      },
    ])('$case', ({ subject, change, expected }) => {
      const email = renderEmail({ emailSubject: subject, emailBody: 'B' }, { ...ctx, ...change });
      expect(email.subject).toBe(expected);
      expect(email.subject).not.toMatch(/[\r\n]/);
    });
  });

  describe('action buttons', () => {
    it('come only from options: a body never adds one', () => {
      const body = '<p>Reply below</p><a href="https://app.example.com/m/tok123/accept">Accept</a>';
      expect(buttonCount(renderEmail({ emailSubject: 'S', emailBody: body }, ctx).html)).toBe(0);
      expect(buttonCount(renderEmail({ emailSubject: 'S', emailBody: body }, ctx, { buttons: [] }).html)).toBe(0);
      expect(buttonCount(renderEmail({ emailSubject: 'S', emailBody: body }, ctx, { buttons: [accept, decline] }).html)).toBe(2);
    });

    it('are table-based links in the default colour, after the body', () => {
      const { html } = renderEmail(plainConfig, ctx, { buttons: [accept] });
      expect(html).toContain('<td align="center" bgcolor="#2563eb" style="border-radius:6px;background-color:#2563eb;">');
      expect(html).toMatch(/<a href="https:\/\/app\.example\.com\/m\/tok123\/accept" target="_blank"[^>]*color:#ffffff;[^>]*>Accept<\/a>/);
      expect(html.indexOf('Hello Ann Lee')).toBeLessThan(html.indexOf('>Accept</a>'));
    });

    test.each([
      { color: '#16a34a', expected: '#16a34a', label: '#ffffff' },
      { color: '#ABC', expected: '#abc', label: '#111827' },
      { color: '#FDE047', expected: '#fde047', label: '#111827' },
    ])('use buttonColor $color with a readable label colour', ({ color, expected, label }) => {
      const { html } = renderEmail(plainConfig, ctx, { buttons: [accept], buttonColor: color });
      expect(html).toContain(`bgcolor="${expected}"`);
      expect(html).toContain(`color:${label};`);
    });

    test.each(['red', '#12345', '#ggg', '2563eb', '#fff;background:url(x)', 'expression(alert(1))', ''])(
      'refuse buttonColor %j',
      (color) => {
        const error = renderError(() => renderEmail(plainConfig, ctx, { buttons: [accept], buttonColor: color }));
        expect(error.problems).toEqual([expect.stringMatching(/^buttonColor: .*#rgb or #rrggbb/)]);
      },
    );

    test.each([
      { case: 'a script tag', label: '<script>alert(1)</script>', escaped: '>&lt;script&gt;alert(1)&lt;/script&gt;</a>' },
      { case: 'quotes and an ampersand', label: `Accept "now" & 'later'`, escaped: '>Accept &quot;now&quot; &amp; &#x27;later&#x27;</a>' },
    ])('escape a label with $case', ({ label, escaped }) => {
      const { html } = renderEmail(plainConfig, ctx, { buttons: [{ label, url: accept.url }] });
      expect(html).toContain(escaped);
      expect(html).not.toContain('<script');
    });

    it('escape the URL attribute', () => {
      const { html } = renderEmail(plainConfig, ctx, { buttons: [{ label: 'Go', url: `https://app.example.com/m?a=1&b="x"'y'` }] });
      expect(html).toContain('<a href="https://app.example.com/m?a=1&amp;b=%22x%22%27y%27" target="_blank"');
    });

    test.each([
      'javascript:alert(1)',
      ' JavaScript:alert(document.cookie)',
      'java\tscript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'mailto:someone@example.com',
      '/m/tok123/accept',
      'not a url',
      '',
    ])('refuse the URL %j', (url) => {
      const error = renderError(() => renderEmail(plainConfig, ctx, { buttons: [{ label: 'Accept', url }] }));
      expect(error.code).toBe('invalid_input');
      expect(error.problems).toEqual([expect.stringMatching(/^buttons\[0\]: .* is not an http or https URL$/)]);
    });

    it('refuse an empty label', () => {
      const error = renderError(() => renderEmail(plainConfig, ctx, { buttons: [{ label: '  ', url: accept.url }] }));
      expect(error.problems).toEqual(['buttons[0]: the label is empty']);
    });
  });

  describe('text part', () => {
    it('is the body as readable text, then one "Label: url" line per button', () => {
      const email = renderEmail(
        {
          emailSubject: 'S',
          emailBody:
            '<p>Hello {{customerName}},</p><p>Your <strong>{{customerTitle}}</strong> is on {{date}} at {{time}}.</p><p><a href="{{landingUrl}}">See the details</a></p>',
        },
        { ...ctx, customerName: 'Ann & <Bob>' },
        { buttons: [accept, decline] },
      );
      expect(email.text).toBe(
        [
          'Hello Ann & <Bob>,',
          '',
          'Your Annual check-up is on Thursday, January 15, 2026 at 2:00 PM.',
          '',
          'See the details [https://app.example.com/m/tok123]',
          '',
          'Accept: https://app.example.com/m/tok123/accept',
          'Decline: https://app.example.com/m/tok123/decline',
          '',
        ].join('\n'),
      );
    });

    it('keeps the line breaks of a plain-text body and has no markup', () => {
      const email = renderEmail({ emailSubject: 'S', emailBody: 'Hello {{customerName}},\nsee you on {{date}}.' }, ctx);
      expect(email.text).toBe('Hello Ann Lee,\nsee you on Thursday, January 15, 2026.\n');
    });
  });
});

describe('renderEmail: calendar block', () => {
  const withBlock = (change: Partial<NotificationContext> = {}, options: Parameters<typeof renderEmail>[2] = {}) =>
    renderEmail(plainConfig, { ...ctx, ...change }, { calendarBlock: true, ...options });

  it('shows date, time with its zone, duration and location as a tile between the body and the buttons', () => {
    const { html } = withBlock({}, { buttons: [accept] });
    const rows = [
      'Date',
      'Thursday, January 15, 2026',
      'Time',
      '2:00 PM (America/New_York)',
      'Duration',
      '1 hour 30 minutes',
      'Location',
      '1 Main St',
    ];
    let position = html.indexOf('Hello Ann Lee');
    for (const text of rows) {
      const next = html.indexOf(`>${text}</td>`, position);
      expect([text, next]).toEqual([text, expect.any(Number)]);
      expect(next).toBeGreaterThan(position);
      position = next;
    }
    expect(position).toBeLessThan(html.indexOf('>Accept</a>'));
  });

  test.each([
    { case: 'the default colour', options: {}, color: '#0f766e' },
    { case: 'calendarColor', options: { calendarColor: '#7C3AED' }, color: '#7c3aed' },
    { case: 'a #rgb calendarColor', options: { calendarColor: '#f00' }, color: '#f00' },
  ])('draws its accent bar in $case', ({ options, color }) => {
    expect(withBlock({}, options).html).toContain(`<td width="4" bgcolor="${color}" style="width:4px;background-color:${color};`);
  });

  test.each(['teal', '#12345', 'url(x)', '#fff;position:fixed', ''])('refuses calendarColor %j', (calendarColor) => {
    const error = renderError(() => withBlock({}, { calendarColor }));
    expect(error.problems).toEqual([expect.stringMatching(/^calendarColor: .*#rgb or #rrggbb/)]);
  });

  it('reports a bad calendarColor together with a bad buttonColor', () => {
    const error = renderError(() => withBlock({}, { buttonColor: 'blue', calendarColor: 'green' }));
    expect(error.problems).toEqual([expect.stringMatching(/^buttonColor: /), expect.stringMatching(/^calendarColor: /)]);
  });

  it('shows the video link as the location when there is no location, and no location row when there is neither', () => {
    expect(withBlock({ location: null, videoUrl: 'https://meet.example.com/abc' }).html).toContain('>https://meet.example.com/abc</td>');
    const { html, text } = withBlock({ location: null, videoUrl: null });
    expect(html).not.toContain('>Location</td>');
    expect(text).not.toContain('Location:');
  });

  it('uses the given row labels, and the defaults for blank ones', () => {
    const { html, text } = renderEmail(
      plainConfig,
      { ...ctx, locale: 'de-DE' },
      { calendarBlock: true, calendarBlockLabels: { date: 'Datum', time: 'Uhrzeit', duration: ' ', location: 'Ort' } },
    );
    expect(text).toContain(
      'Datum: Donnerstag, 15. Januar 2026\nUhrzeit: 14:00 (America/New_York)\nDuration: 1 Stunde 30 Minuten\nOrt: 1 Main St',
    );
    expect(html).toContain('>Uhrzeit</td>');
  });

  test.each([
    {
      case: 'a script tag in the location',
      change: { location: '<script>alert(1)</script>' },
      escaped: '>&lt;script&gt;alert(1)&lt;/script&gt;</td>',
    },
    {
      case: 'markup in the location',
      change: { location: '<img src=x onerror=alert(1)>' },
      escaped: '>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</td>',
    },
    {
      case: 'an attribute break-out in the video link',
      change: { location: null, videoUrl: 'https://x.example/"><script>alert(1)</script>' },
      escaped: '>https://x.example/&quot;&gt;&lt;script&gt;',
    },
  ])('escapes $case', ({ change, escaped }) => {
    const { html } = withBlock(change);
    expect(html).toContain(escaped);
    expect(html).not.toMatch(/<script|<img/);
  });

  it('escapes hostile row labels', () => {
    const { html } = withBlock({}, { calendarBlockLabels: { date: '<b onclick="x">When</b>' } });
    expect(html).toContain('>&lt;b onclick&#x3D;&quot;x&quot;&gt;When&lt;/b&gt;</td>');
  });

  it('adds the block to the text part between the body and the button links', () => {
    expect(withBlock({}, { buttons: [accept] }).text).toBe(
      [
        'Hello Ann Lee',
        '',
        'Date: Thursday, January 15, 2026',
        'Time: 2:00 PM (America/New_York)',
        'Duration: 1 hour 30 minutes',
        'Location: 1 Main St',
        '',
        'Accept: https://app.example.com/m/tok123/accept',
        '',
      ].join('\n'),
    );
  });

  it('is left out unless asked for', () => {
    for (const options of [{}, { calendarBlock: false }, { calendarColor: '#0f766e' }]) {
      const { html, text } = renderEmail(plainConfig, ctx, options);
      expect(html).not.toContain('>Duration</td>');
      expect(text).toBe('Hello Ann Lee\n');
    }
  });

  it('adds no button, even with a button-like link in the body', () => {
    const body = '<p>Hi</p><table><tr><td bgcolor="#16a34a"><a href="https://app.example.com/m/tok123/accept">Accept</a></td></tr></table>';
    const { html, text } = renderEmail({ emailSubject: 'S', emailBody: body }, ctx, { calendarBlock: true, buttonColor: '#2563eb' });
    expect(html).toContain('<a href="https://app.example.com/m/tok123/accept">Accept</a>');
    expect(html).not.toContain('bgcolor="#2563eb"');
    expect(html).not.toContain('target="_blank"');
    expect(text).not.toMatch(/^Accept: /m);
  });
});

describe('renderEmail: sender header', () => {
  it('shows the image (at most 48px high, the name as alt text) and the name above the body', () => {
    const { html } = renderEmail(plainConfig, ctx, {
      sender: { name: 'Acme Dental', imageUrl: 'https://cdn.example.com/logo.png?v=1&size=2' },
    });
    expect(html).toContain(
      '<img src="https://cdn.example.com/logo.png?v=1&amp;size=2" alt="Acme Dental" style="display:block;max-height:48px;width:auto;border:0;outline:none;text-decoration:none;">',
    );
    expect(html).toMatch(/font-weight:bold;[^>]*>Acme Dental<\/td>/);
    expect(html.indexOf('>Acme Dental</td>')).toBeLessThan(html.indexOf('Hello Ann Lee'));
  });

  test.each([{ imageUrl: undefined }, { imageUrl: null }, { imageUrl: '  ' }])(
    'shows only the name without an image ($imageUrl)',
    ({ imageUrl }) => {
      const { html } = renderEmail(plainConfig, ctx, { sender: { name: 'Acme Dental', imageUrl } });
      expect(html).toContain('>Acme Dental</td>');
      expect(html).not.toContain('<img');
    },
  );

  it('escapes the name in the text and in the alt attribute', () => {
    const { html } = renderEmail(plainConfig, ctx, {
      sender: { name: '"><script>alert(1)</script>', imageUrl: 'https://cdn.example.com/logo.png' },
    });
    expect(html).toContain('alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html).not.toContain('<script');
  });

  it('escapes quotes in the image URL attribute', () => {
    const { html } = renderEmail(plainConfig, ctx, { sender: { name: 'Acme', imageUrl: 'https://cdn.example.com/a"b\'c.png' } });
    expect(html).toContain('<img src="https://cdn.example.com/a%22b&#39;c.png"');
  });

  test.each(['javascript:alert(1)', 'data:image/png;base64,AAAA', '//cdn.example.com/logo.png', 'logo.png'])(
    'refuses the image URL %j',
    (imageUrl) => {
      const error = renderError(() => renderEmail(plainConfig, ctx, { sender: { name: 'Acme', imageUrl } }));
      expect(error.problems).toEqual([expect.stringMatching(/^sender\.imageUrl: .* is not an http or https URL$/)]);
    },
  );

  it('refuses an empty name', () => {
    const error = renderError(() => renderEmail(plainConfig, ctx, { sender: { name: ' \n ' } }));
    expect(error.problems).toEqual(['sender.name: is empty']);
  });

  it('is left out without a sender', () => {
    expect(renderEmail(plainConfig, ctx, { sender: null }).html).toBe(renderEmail(plainConfig, ctx).html);
  });
});
