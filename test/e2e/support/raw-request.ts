import net from 'node:net';

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends one request exactly as written: the request line is not normalised (no dot segments
 * resolved, no percent-decoding, absolute form kept), which `fetch` and `node:http` would do or
 * refuse. Reads until the server closes (`Connection: close`).
 */
export function rawRequest(
  port: number,
  requestLine: string,
  headers: Record<string, string> = {},
  body = '',
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const lines = [
    requestLine,
    'Host: 127.0.0.1',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer to ${requestLine} within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)); // not end(): a half-closed socket may be dropped before a slow answer
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const separator = text.indexOf('\r\n\r\n');
      const head = separator < 0 ? text : text.slice(0, separator);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: separator < 0 ? '' : text.slice(separator + 4) });
    });
  });
}
