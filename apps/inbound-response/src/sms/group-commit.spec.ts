import { GroupCommit } from './group-commit';

/**
 * A group applier the test releases by hand: it records each group and holds it until
 * `release()`. It answers each item with `answer`, and fails the whole group when that throws.
 */
function heldApplier(answer: (item: number) => string = (item) => `done ${item}`) {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  let running = 0;
  let mostRunning = 0;
  const apply = async (items: readonly number[]) => {
    groups.push([...items]);
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    await new Promise<void>((resolve) => releases.push(resolve));
    running -= 1;
    return items.map(answer);
  };
  return {
    apply,
    groups,
    get mostRunning() {
      return mostRunning;
    },
    /** Lets the oldest held group finish, and waits until its callers have their answers. */
    async release() {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('GroupCommit', () => {
  // prettier-ignore
  it.each([
    // arrivals while the first group runs   max size  in flight   groups expected
    [[2, 3, 4],                               200,      1,          [[1], [2, 3, 4]]],
    [[2, 3, 4, 5, 6],                         2,        1,          [[1], [2, 3], [4, 5], [6]]],
    [[],                                      200,      1,          [[1]]],
    [[2, 3, 4],                               200,      2,          [[1], [2], [3, 4]]],
  ] as const)('a lone request goes at once; %j arriving meanwhile (max %d, %d in flight) → %j', async (meanwhile, maxGroupSize, maxGroupsInFlight, expected) => {
    const applier = heldApplier();
    const groups = new GroupCommit<number, string>(applier.apply, { maxGroupSize, maxGroupsInFlight });
    const answers = [groups.submit(1), ...meanwhile.map((item) => groups.submit(item))];
    for (let index = 0; index < expected.length; index += 1) await applier.release();
    await expect(Promise.all(answers)).resolves.toEqual([1, ...meanwhile].map((item) => `done ${item}`));
    expect(applier.groups).toEqual(expected);
    expect(applier.mostRunning).toBeLessThanOrEqual(maxGroupsInFlight);
  });

  it('applies each request of a failed group again alone: one bad request fails only itself', async () => {
    const refused = new Error('refused 2');
    const failures: [unknown, number][] = [];
    const applier = heldApplier((item) => {
      if (item === 2) throw refused;
      return `done ${item}`;
    });
    const groups = new GroupCommit<number, string>(applier.apply, {
      maxGroupSize: 10,
      maxGroupsInFlight: 1,
      onGroupFailed: (error, size) => failures.push([error, size]),
    });
    const answers = [groups.submit(1), ...[2, 3, 4].map((item) => groups.submit(item))].map((answer) =>
      answer.catch((error: unknown) => error),
    );
    await applier.release(); // [1]
    await applier.release(); // [2, 3, 4] fails
    for (let alone = 0; alone < 3; alone += 1) await applier.release();
    expect(await Promise.all(answers)).toEqual(['done 1', refused, 'done 3', 'done 4']);
    expect(applier.groups).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    expect(failures).toEqual([[refused, 3]]);
  });

  it('fails a lone request whose group of one fails, and goes on with the next group', async () => {
    let calls = 0;
    const groups = new GroupCommit<number, number>(
      async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database away');
        return items.map((item) => item * 10);
      },
      { maxGroupSize: 10, maxGroupsInFlight: 1 },
    );
    await expect(groups.submit(1)).rejects.toThrow('database away');
    await expect(groups.submit(2)).resolves.toBe(20);
    expect(groups.backlog).toBe(0);
  });

  it('refuses an applier that does not answer every request of its group', async () => {
    const groups = new GroupCommit<number, number>(async () => [], { maxGroupSize: 10, maxGroupsInFlight: 1 });
    await expect(groups.submit(1)).rejects.toThrow('a group of 1 was given 0 outcomes');
  });

  describe('lingerMs: the first request waits a little for others', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('applies what arrived within the linger as one group, not before', async () => {
      const applier = heldApplier();
      const groups = new GroupCommit<number, string>(applier.apply, { maxGroupSize: 10, maxGroupsInFlight: 1, lingerMs: 5 });
      const answers = [groups.submit(1)];
      jest.advanceTimersByTime(3);
      answers.push(groups.submit(2), groups.submit(3));
      expect(applier.groups).toEqual([]);
      jest.advanceTimersByTime(2);
      expect(applier.groups).toEqual([[1, 2, 3]]);
      jest.useRealTimers();
      await applier.release();
      await expect(Promise.all(answers)).resolves.toEqual(['done 1', 'done 2', 'done 3']);
    });

    it('does not wait once the group is full', () => {
      const applier = heldApplier();
      const groups = new GroupCommit<number, string>(applier.apply, { maxGroupSize: 3, maxGroupsInFlight: 1, lingerMs: 50 });
      [1, 2, 3].forEach((item) => void groups.submit(item));
      expect(applier.groups).toEqual([[1, 2, 3]]);
    });

    it('does not wait again for requests that waited through the previous group', async () => {
      const applier = heldApplier();
      const groups = new GroupCommit<number, string>(applier.apply, { maxGroupSize: 10, maxGroupsInFlight: 1, lingerMs: 5 });
      void groups.submit(1);
      jest.advanceTimersByTime(5);
      void groups.submit(2);
      jest.advanceTimersByTime(10); // 2 has waited longer than the linger while group [1] ran
      jest.useRealTimers();
      await applier.release();
      expect(applier.groups).toEqual([[1], [2]]);
    });
  });
});
