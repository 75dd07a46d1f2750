/**
 * Text made one line: an email subject or header, a button label, an iCalendar TITLE or
 * LOCATION. Line breaks of every kind (CR, LF, NEL, U+2028/2029) and other control characters
 * become spaces, runs of spaces one space, and the ends are trimmed. The one home of this rule
 * (a header line with a CR/LF in it is a header injection).
 */
export function plainLine(value: string): string {
  return value
    .replace(/[\u0000-\u001F\u007F\u0085\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
