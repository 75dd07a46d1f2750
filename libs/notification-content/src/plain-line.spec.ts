import { plainLine } from './plain-line';

describe('plainLine', () => {
  it.each([
    ['Hello\r\nBcc: x@example.com', 'Hello Bcc: x@example.com'],
    ['a\n\n\nb', 'a b'],
    ['a\u0085b\u2028c\u2029d', 'a b c d'],
    ['tab\there', 'tab here'],
    ['nul\u0000and\u007Fdel', 'nul and del'],
    ['  spaced   out  ', 'spaced out'],
    ['Zoë’s visit — 10:00', 'Zoë’s visit — 10:00'],
    ['', ''],
  ])('%p → %p', (value, line) => {
    expect(plainLine(value)).toBe(line);
  });
});
