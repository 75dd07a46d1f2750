import { readHttpUrl } from './http-url';

describe('readHttpUrl: only absolute http(s) URLs reach a customer', () => {
  it.each<[string, unknown, string | null]>([
    ['https URL', 'https://maps.example.com/place?q=1', 'https://maps.example.com/place?q=1'],
    ['http URL with outer whitespace', '  http://example.com/a  ', 'http://example.com/a'],
    ['upper-case scheme', 'HTTPS://Example.com', 'https://example.com/'],
    ['a street address', '123 Main St, Springfield', null],
    ['javascript:', 'javascript:alert(1)', null],
    ['data:', 'data:text/html,<b>x</b>', null],
    ['mailto:', 'mailto:ann@example.com', null],
    ['relative link', '/m/abc', null],
    ['scheme-relative link', '//example.com/x', null],
    ['http scheme without a host', 'http://', null],
    ['a control character before the scheme', '\u0001https://example.com', null],
    ['a tab inside the scheme', 'ht\ttps://example.com', null],
    ['not a string', 42, null],
    ['empty', '', null],
  ])('%s', (_case, value, expected) => {
    expect(readHttpUrl(value)?.href ?? null).toBe(expected);
  });
});
