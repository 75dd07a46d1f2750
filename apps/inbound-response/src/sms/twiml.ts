/**
 * TwiML for an inbound SMS webhook (protocols.md, "Twilio: inbound SMS webhook"): one
 * `<Message>` with the text, XML-escaped, or an empty `<Response/>` for no reply.
 */
export const TWIML_CONTENT_TYPE = 'text/xml; charset=utf-8';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

export function twimlReply(text: string | null | undefined): string {
  if (!text) return `${XML_HEAD}<Response/>`;
  return `${XML_HEAD}<Response><Message>${escapeXml(text)}</Message></Response>`;
}

/**
 * Escapes the five XML special characters, and drops the characters XML 1.0 cannot carry at
 * all (controls other than tab, newline and carriage return; lone surrogates; U+FFFE/U+FFFF).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
