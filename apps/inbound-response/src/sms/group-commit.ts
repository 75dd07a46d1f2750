/** One request's own outcome in a group: its value, or the error that is its alone. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export const settledValue = <T>(value: T): Settled<T> => ({ ok: true, value });
export const settledError = <T>(error: unknown): Settled<T> => ({ ok: false, error });

export interface GroupCommitOptions {
  /** The most requests one group takes; the rest wait for the next. */
  maxGroupSize: number;
  /** How many groups may be applied at once (1: strictly one after the other). */
  maxGroupsInFlight: number;
  /**
   * How long the first request of a group may wait for others before the group is applied
   * (unless the group fills up first); 0 applies it at once. A few milliseconds turn a steady
   * stream of requests into groups of several, and the cost of a group is mostly per group.
   */
  lingerMs?: number;
}

interface Waiting<Item, Outcome> {
  item: Item;
  /** `performance.now()` when it arrived. */
  arrivedAt: number;
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests that arrive while a group is being applied wait, and are applied
 * together as the next group, so that a burst costs one round of statements per group
 * rather than one per request. A group is whatever arrived while the one before it ran, or
 * within `lingerMs` of its first request (up to `maxGroupSize`). `applyGroup` answers each item of its group in order, each caller gets
 * its own answer; should it throw, every request of the group gets the error.
 */
export class GroupCommit<Item, Outcome> {
  private readonly waiting: Waiting<Item, Outcome>[] = [];
  private inFlight = 0;
  private lingering: NodeJS.Timeout | null = null;

  constructor(
    private readonly applyGroup: (items: readonly Item[]) => Promise<readonly Settled<Outcome>[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: Item): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.waiting.push({ item, arrivedAt: performance.now(), resolve, reject });
      this.startGroups();
    });
  }

  /** Requests waiting for a group (not those being applied). */
  get backlog(): number {
    return this.waiting.length;
  }

  private startGroups(): void {
    while (this.inFlight < this.options.maxGroupsInFlight && this.waiting.length > 0) {
      const lingerLeft = (this.options.lingerMs ?? 0) - (performance.now() - this.waiting[0].arrivedAt);
      if (lingerLeft > 0 && this.waiting.length < this.options.maxGroupSize) {
        this.lingering ??= setTimeout(() => {
          this.lingering = null;
          this.startGroups();
        }, Math.ceil(lingerLeft));
        return;
      }
      const group = this.waiting.splice(0, this.options.maxGroupSize);
      this.inFlight += 1;
      void this.run(group);
    }
  }

  private async run(group: Waiting<Item, Outcome>[]): Promise<void> {
    try {
      const outcomes = await this.applyGroup(group.map((waiting) => waiting.item));
      group.forEach((waiting, index) => {
        const outcome = outcomes[index];
        if (!outcome) waiting.reject(new Error('the group gave this request no outcome'));
        else if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    } finally {
      this.inFlight -= 1;
      this.startGroups();
    }
  }
}
