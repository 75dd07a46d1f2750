import { containsPattern } from './search-pattern';

describe('containsPattern', () => {
  it.each([
    ['jane', '%jane%'],
    ['', '%%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
    ['+1415', '%+1415%'],
  ])('%p → %p', (text, pattern) => {
    expect(containsPattern(text)).toBe(pattern);
  });
});
