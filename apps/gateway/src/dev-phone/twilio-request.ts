import { createHmac, randomBytes } from 'node:crypto';

/**
 * Twilio's request signature (`X-Twilio-Signature`), computed as Twilio does: HMAC-SHA1 keyed
 * with the auth token over the full URL followed by every POST field sorted by name, as `name`
 * + `value` without separators; base64. (inbound-response checks it with the SDK's
 * `validateRequest`; the gateway does not load the whole SDK for five lines.)
 */
export function twilioSignature(authToken: string, url: string, fields: Record<string, string>): string {
  const data = Object.keys(fields)
    .sort()
    .reduce((text, name) => text + name + fields[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** A Twilio message SID: `SM` and 32 hex digits. */
export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** The text of a TwiML answer's first `<Message>`, or null for `<Response/>`. */
export function twimlMessage(twiml: string): string | null {
  const match = /<Message(?:\s[^>]*)?>([\s\S]*?)<\/Message>/.exec(twiml);
  if (!match) return null;
  return match[1].replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, entity: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[entity]!,
  );
}
