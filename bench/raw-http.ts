import net from 'node:net';

/** An HTTP/1.1 answer: status, body, and when its last byte arrived. */
export interface RawAnswer {
  status: number;
  body: string;
  answeredAt: number;
}

interface Pending {
  request: Buffer;
  resolve: (answer: RawAnswer) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A minimal HTTP/1.1 client for the load generator: keep-alive sockets, one request in
 * flight per socket, each request written as one prepared buffer, answers read by their
 * `Content-Length`. It stands in for Twilio, which is not on this machine: node:http spends
 * several times more CPU per request (headers objects, the parser's callbacks, the agent),
 * and on a 2-core machine shared with the system under test, the load generator's CPU is
 * taken from what it measures. It is not a general client: it refuses an answer without a
 * `Content-Length` (chunked), and a socket the server closes is replaced.
 */
export class RawHttpClient {
  private readonly idle: net.Socket[] = [];
  private readonly queue: Pending[] = [];
  private readonly sockets = new Set<net.Socket>();
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
    private readonly timeoutMs: number,
  ) {}

  /** A request as it goes on the wire (request line, headers with Host and Content-Length, body). */
  static request(method: string, path: string, host: string, headers: Record<string, string>, body: string): Buffer {
    const payload = Buffer.from(body, 'utf8');
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: keep-alive', `Content-Length: ${payload.length}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
  }

  send(request: Buffer): Promise<RawAnswer> {
    if (this.closed) return Promise.reject(new Error('client closed'));
    return new Promise<RawAnswer>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  close(): void {
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    for (const pending of this.queue.splice(0)) pending.reject(new Error('client closed'));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const socket = this.idle.pop() ?? (this.sockets.size < this.maxSockets ? this.open() : null);
      if (!socket) return;
      this.exchange(socket, this.queue.shift()!);
    }
  }

  private open(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.sockets.add(socket);
    socket.on('error', () => undefined); // reported through the exchange in progress
    socket.on('close', () => {
      this.sockets.delete(socket);
      const at = this.idle.indexOf(socket);
      if (at >= 0) this.idle.splice(at, 1);
      if (!this.closed) this.pump();
    });
    return socket;
  }

  private exchange(socket: net.Socket, pending: Pending): void {
    let received: Buffer = Buffer.alloc(0);
    const finish = (error: Error | null, answer?: RawAnswer) => {
      clearTimeout(pending.timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) {
        socket.destroy();
        pending.reject(error);
      } else {
        pending.resolve(answer!);
        if (!this.closed && !socket.destroyed) {
          this.idle.push(socket);
          this.pump();
        }
      }
    };
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const headerEnd = received.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const head = received.subarray(0, headerEnd).toString('latin1');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) return finish(new Error(`answer without Content-Length: ${head.split('\r\n')[0]}`));
      const bodyStart = headerEnd + HEADER_END.length;
      if (received.length < bodyStart + Number(length[1])) return;
      const status = Number(head.slice(9, 12));
      finish(null, { status, body: received.subarray(bodyStart, bodyStart + Number(length[1])).toString('utf8'), answeredAt: Date.now() });
    };
    const onClose = () => finish(new Error('connection closed before the answer'));
    socket.on('data', onData);
    socket.on('close', onClose);
    pending.timer = setTimeout(() => finish(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    socket.write(pending.request);
  }
}
