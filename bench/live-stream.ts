/**
 * A staff member's open `GET /api/live` (Server-Sent Events) as the benchmarks hold it: every
 * named event handed over with its parsed data and the moment its chunk arrived.
 *
 * No `@appointments/*` imports (see support.ts).
 */
export type LiveEventHandler = (name: string, data: Record<string, unknown>, at: number) => void;

export class LiveStream {
  private readonly abort = new AbortController();

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly onEvent: LiveEventHandler,
  ) {}

  /** Resolves once the stream answered 200; events then arrive until `close`. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      fetch(this.url, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' }, signal: this.abort.signal })
        .then((response) => {
          if (response.status !== 200 || !response.body) throw new Error(`GET /api/live answered ${response.status}`);
          resolve();
          return this.read(response.body);
        })
        .catch((error: unknown) => {
          if (!this.abort.signal.aborted) reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      const at = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        let data = '';
        for (const line of message.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        if (data) this.onEvent(name, JSON.parse(data) as Record<string, unknown>, at);
      }
    }
  }
}
