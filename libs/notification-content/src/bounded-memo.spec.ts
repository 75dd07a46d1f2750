import { BoundedMemo } from './bounded-memo';

describe('BoundedMemo', () => {
  it('computes an answer once and keeps it', () => {
    const memo = new BoundedMemo<number>(10);
    const compute = jest.fn(() => 42);
    expect(memo.get('a', compute)).toBe(42);
    expect(memo.get('a', compute)).toBe(42);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('keeps nothing for a computation that throws', () => {
    const memo = new BoundedMemo<number>(10);
    expect(() =>
      memo.get('bad', () => {
        throw new Error('unreadable');
      }),
    ).toThrow('unreadable');
    expect(memo.size).toBe(0);
    expect(memo.get('bad', () => 1)).toBe(1);
  });

  it('never holds more than its limit: when full it starts again empty', () => {
    const memo = new BoundedMemo<string>(3);
    for (const key of ['a', 'b', 'c']) memo.get(key, () => key.toUpperCase());
    expect(memo.size).toBe(3);
    memo.get('d', () => 'D');
    expect(memo.size).toBe(1);
    const compute = jest.fn(() => 'A');
    expect(memo.get('a', compute)).toBe('A');
    expect(compute).toHaveBeenCalledTimes(1);
  });
});
