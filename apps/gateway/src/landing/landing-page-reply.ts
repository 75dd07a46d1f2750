import { randomFillSync } from 'node:crypto';
import type { FastifyReply } from 'fastify';

const NONCE_BYTES = 18;
/**
 * Random bytes for nonces, drawn from the CSPRNG 256 nonces at a time, as Node buffers its own
 * `randomUUID`s: one `randomFillSync` call costs as much as rendering much of a page, and every
 * landing page needs a nonce (bench/README.md). Each byte is handed out once.
 */
const nonceEntropy = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = nonceEntropy.length;

/** A fresh CSP nonce for one response (24 base64url characters). */
export function newNonce(): string {
  if (nonceOffset + NONCE_BYTES > nonceEntropy.length) {
    randomFillSync(nonceEntropy);
    nonceOffset = 0;
  }
  const nonce = nonceEntropy.toString('base64url', nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** The Content-Security-Policy the landing-page lib renders for: no script, styles only with the nonce. */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

/** Headers every customer response carries: the URL holds the landing token, so nothing is cached or referred. */
const PRIVATE_RESPONSE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;

/** Sends a rendered page with its status, the CSP for its nonce and the private-response headers. */
export function sendPage(reply: FastifyReply, status: number, html: string, nonce: string): FastifyReply {
  return reply
    .status(status)
    .headers({
      ...PRIVATE_RESPONSE_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': contentSecurityPolicy(nonce),
    })
    .send(html);
}

/** Sends a file for download (the `.ics`), with the private-response headers. */
export function sendDownload(reply: FastifyReply, contentType: string, filename: string, body: string): FastifyReply {
  return reply
    .status(200)
    .headers({
      ...PRIVATE_RESPONSE_HEADERS,
      'content-type': contentType,
      'content-disposition': `attachment; filename="${filename}"`,
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    })
    .send(body);
}

/** The 303 after an answer was taken: a reload shows the page instead of posting again. */
export function redirectAfterPost(reply: FastifyReply, location: string): FastifyReply {
  return reply
    .status(303)
    .headers({ ...PRIVATE_RESPONSE_HEADERS, location })
    .send();
}
