import { checkTemplateSyntax, TEMPLATE_PLACEHOLDERS } from './index';

describe('checkTemplateSyntax', () => {
  it.each([
    'Hello {{customerName}}, your {{customerTitle}} is on {{date}} at {{time}} ({{timeZone}}).',
    '<p>Where: {{location}}</p>\n<p>How long: {{duration}}</p>\n<p>With {{organizerName}}: <a href="{{landingUrl}}">details</a></p>',
    'No placeholders at all',
    '{{! a note for staff }}Hi {{ customerName }}',
    'Literal braces: \\{{customerName}}',
    '',
  ])('accepts %j', (source) => {
    expect(checkTemplateSyntax(source, 'emailBody')).toEqual([]);
  });

  it('accepts every documented placeholder', () => {
    const source = TEMPLATE_PLACEHOLDERS.map((name) => `{{${name}}}`).join(' ');
    expect(checkTemplateSyntax(source, 'smsBody')).toEqual([]);
  });

  it.each([
    {
      case: 'triple-stash (unescaped output)',
      source: 'Hi {{{customerName}}}',
      message: /line 1, column 4: \{\{\{customerName\}\}\} would insert unescaped HTML/,
    },
    {
      case: 'ampersand (unescaped output)',
      source: 'Hi {{& customerName}}',
      message: /\{\{& customerName\}\} would insert unescaped HTML/,
    },
    {
      case: 'an unknown placeholder',
      source: 'Hi {{customer_name}}',
      message: /unknown placeholder \{\{customer_name\}\}; known placeholders: customerName, customerTitle, date, time/,
    },
    { case: 'an object path', source: '{{customer.name}}', message: /not a simple placeholder/ },
    { case: 'a "this" path', source: '{{this.customerName}}', message: /not a simple placeholder/ },
    { case: 'a parent path', source: '{{../customerName}}', message: /not a simple placeholder/ },
    { case: 'a data variable', source: '{{@root}}', message: /not a simple placeholder/ },
    { case: 'a prototype name', source: '{{constructor}}', message: /unknown placeholder \{\{constructor\}\}/ },
    { case: 'a literal', source: '{{"text"}}', message: /is not a placeholder/ },
    { case: 'a helper with arguments', source: '{{lookup customerName 0}}', message: /calls a helper/ },
    { case: 'a helper with a hash', source: '{{customerName format="upper"}}', message: /calls a helper/ },
    { case: 'an if block', source: '{{#if location}}at {{location}}{{/if}}', message: /blocks such as \{\{#if location\}\}/ },
    { case: 'an each block', source: '{{#each x}}.{{/each}}', message: /blocks such as/ },
    { case: 'an inverse block', source: '{{^location}}online{{/location}}', message: /blocks such as/ },
    { case: 'a partial', source: '{{> footer}}', message: /partials such as \{\{> footer\}\}/ },
    { case: 'a partial block', source: '{{#> layout}}x{{/layout}}', message: /partials such as/ },
    { case: 'a decorator', source: '{{* decorate}}', message: /is not allowed/ },
    {
      case: 'an unclosed placeholder',
      source: 'Hi {{customerName',
      message: /cannot be read near line 1: "Hi \{\{customerName"; write placeholders as \{\{name\}\}, with matching braces/,
    },
    { case: 'a single closing brace', source: 'Hi {{customerName}', message: /cannot be read near line 1/ },
    { case: 'mismatched blocks', source: '{{#if a}}{{/each}}', message: /cannot be read/ },
  ])('refuses $case', ({ source, message }) => {
    const problems = checkTemplateSyntax(source, 'emailBody');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^emailBody: /);
    expect(problems[0]).toMatch(message);
  });

  it('lists every problem with its line', () => {
    const problems = checkTemplateSyntax('Hi {{{customerName}}}\nOn {{when}}\n{{> footer}}', 'smsBody');
    expect(problems).toEqual([
      expect.stringMatching(/^smsBody: line 1, column 4: .*unescaped/),
      expect.stringMatching(/^smsBody: line 2, column 4: unknown placeholder \{\{when\}\}/),
      expect.stringMatching(/^smsBody: line 3, column 1: partials/),
    ]);
  });

  it('refuses a template that is not text', () => {
    expect(checkTemplateSyntax(42 as unknown as string, 'emailSubject')).toEqual(['emailSubject: the template must be text']);
  });
});
