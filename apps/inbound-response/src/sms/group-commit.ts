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
  /** Told when a group failed, before its requests are applied one by one. */
  onGroupFailed?: (error: unknown, size: number) => void;
}

interface Waiting<Item, Outcome> {
  item: Item;
  /** `performance.now()` when it arrived. */
  arrivedAt: number;
  resolve: (outcome: Outcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit, a wrapper at the edge of a use case that takes a list: requests that arrive
 * while a group is being applied wait, and are applied together as the next group, so that a
 * burst costs one round of statements per group rather than one per request. A group is
 * whatever arrived while the one before it ran, or within `lingerMs` of its first request (up
 * to `maxGroupSize`). `apply` answers each item of its list in order, and each caller gets its
 * own answer. Should a group fail, each of its requests is applied again alone, so that one
 * bad request fails only itself.
 */
export class GroupCommit<Item, Outcome> {
  private readonly waiting: Waiting<Item, Outcome>[] = [];
  private inFlight = 0;
  private lingering: NodeJS.Timeout | null = null;

  constructor(
    private readonly apply: (items: readonly Item[]) => Promise<readonly Outcome[]>,
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
      await this.answer(group);
    } catch (error) {
      if (group.length === 1) group[0].reject(error);
      else {
        this.options.onGroupFailed?.(error, group.length);
        await Promise.all(group.map((waiting) => this.answer([waiting]).catch(waiting.reject)));
      }
    } finally {
      this.inFlight -= 1;
      this.startGroups();
    }
  }

  /** Applies these requests as one list and gives each its outcome. */
  private async answer(group: Waiting<Item, Outcome>[]): Promise<void> {
    const outcomes = await this.apply(group.map((waiting) => waiting.item));
    if (outcomes.length !== group.length) throw new Error(`a group of ${group.length} was given ${outcomes.length} outcomes`);
    group.forEach((waiting, index) => waiting.resolve(outcomes[index]));
  }
}
