/**
 * A map of computed answers that never grows past `limit` entries: when it is full it starts
 * again empty (the answers are cheap to recompute once; a full map means the working set is
 * larger than expected, and an ordered eviction would cost on every hit). Used for what
 * formatting and parsing in time zones would otherwise redo on every render: the same few
 * meetings are rendered again and again (an email, its SMS, each landing page view).
 */
export class BoundedMemo<V> {
  private readonly answers = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => V): V {
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    const value = compute();
    if (this.answers.size >= this.limit) this.answers.clear();
    this.answers.set(key, value);
    return value;
  }

  get size(): number {
    return this.answers.size;
  }
}
