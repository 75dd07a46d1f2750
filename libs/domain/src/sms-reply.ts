/**
 * What a customer's SMS reply means (domain.md, "Reply codes (SMS)"; protocols.md, "SMS
 * keywords"): a reply code of the notification config it answers, a carrier keyword (opt out,
 * opt in, help), or a free-text message for the chatter.
 *
 * Only a reply of one word counts as a code or a keyword. The word is read by
 * `normaliseReplyWord`: outer whitespace trimmed, trailing punctuation ignored ("1.", "1!",
 * "yes!", "STOP."), case ignored. Anything of two words or more ("1 please", "Ok thanks",
 * "Stop please") is a message, and so is a word that is neither a keyword nor in the code table
 * ("4", "Hello", "👍").
 */
import type { ResponseType } from './vocabulary';

/** A reply code: the customer texts `code` to give `action`; `autoReply` is the text answered back. */
export interface SmsReplyCode {
  code: string;
  action: ResponseType;
  autoReply?: string;
}

/** 1 accept, 2 reschedule, 3 decline: the code table of a notification config that turns reply codes on without its own. */
export const DEFAULT_REPLY_CODES: readonly SmsReplyCode[] = Object.freeze([
  Object.freeze({ code: '1', action: 'accept' as const }),
  Object.freeze({ code: '2', action: 'reschedule' as const }),
  Object.freeze({ code: '3', action: 'decline' as const }),
]);

/** Carrier and Twilio keywords that put the number on the stop list. */
export const SMS_OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
/** Carrier and Twilio keywords that take the number off the stop list. */
export const SMS_OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
/** Carrier and Twilio keywords that ask for the help text. */
export const SMS_HELP_KEYWORDS = ['HELP', 'INFO'] as const;
/** Every carrier keyword, upper case. None of them can be a reply code. */
export const SMS_KEYWORDS = [...SMS_OPT_OUT_KEYWORDS, ...SMS_OPT_IN_KEYWORDS, ...SMS_HELP_KEYWORDS] as const;
export type SmsKeyword = (typeof SMS_KEYWORDS)[number];

/** What a carrier keyword asks for. */
export type SmsKeywordKind = 'opt_out' | 'opt_in' | 'help';

const KEYWORD_KINDS = new Map<string, SmsKeywordKind>([
  ...SMS_OPT_OUT_KEYWORDS.map((keyword) => [keyword, 'opt_out'] as const),
  ...SMS_OPT_IN_KEYWORDS.map((keyword) => [keyword, 'opt_in'] as const),
  ...SMS_HELP_KEYWORDS.map((keyword) => [keyword, 'help'] as const),
]);

/** What an inbound SMS means, as `classifySmsReply` reads it. */
export type SmsReplyClassification =
  /** A code of the table; `code` as the table writes it, `autoReply` only when the table has one. */
  | { kind: 'code'; code: string; action: ResponseType; autoReply?: string }
  /** `keyword` is the canonical upper-case keyword (`STOP`), whatever the customer's case and punctuation. */
  | { kind: 'opt_out'; keyword: SmsKeyword }
  | { kind: 'opt_in'; keyword: SmsKeyword }
  | { kind: 'help'; keyword: SmsKeyword }
  /** Free text for the chatter: the body with outer whitespace trimmed, otherwise as sent (empty for an empty body). */
  | { kind: 'message'; text: string };

/** Invisible format characters (zero-width space and joiners, BOM, direction marks): they never change a word. */
const FORMAT_CHARACTERS = /\p{Cf}/gu;
/** The run of punctuation and whitespace at the end: "1.", "1!!", "1 !", "STOP." */
const TRAILING_PUNCTUATION = /[\p{P}\s]+$/u;
const WHITESPACE = /\s/u;

/**
 * The one word of an SMS reply, normalised for comparison, or null when the reply is not one
 * word (empty, only punctuation, or two words or more).
 *
 * - Invisible format characters (`\p{Cf}`: zero-width space, BOM, …) are removed, and the text is
 *   NFKC-normalised, so full-width `１` and `ＳＴＯＰ` read as `1` and `STOP`.
 * - Outer whitespace (spaces, tabs, newlines, non-breaking spaces) is trimmed.
 * - Trailing punctuation (any Unicode punctuation, with whitespace between: `1.`, `1?!`, `1 .`,
 *   `1)`) is ignored. Leading punctuation is kept (`#1`, `.1`, `(1)` are not `1`), and so are
 *   symbols and emoji (`1👍` is not `1`).
 * - Case is ignored: the word is returned in upper case (`yes!` → `YES`).
 *
 * The same function reads a code of a code table, so both sides are compared alike.
 */
export function normaliseReplyWord(text: string): string | null {
  const word = text.replace(FORMAT_CHARACTERS, '').normalize('NFKC').trim().replace(TRAILING_PUNCTUATION, '');
  if (word === '' || WHITESPACE.test(word)) return null;
  return word.toUpperCase();
}

/** The kind of carrier keyword a reply (or a code) is, read as `normaliseReplyWord` reads it; null when it is not one. */
export function smsKeywordKind(text: string): SmsKeywordKind | null {
  const word = normaliseReplyWord(text);
  return word === null ? null : (KEYWORD_KINDS.get(word) ?? null);
}

/** Whether a reply (or a proposed reply code) is a carrier keyword: such a code is refused in a template. */
export function isSmsKeyword(text: string): boolean {
  return smsKeywordKind(text) !== null;
}

/**
 * The code table a notification config's reply codes give: none when reply codes are off (or
 * the config has none), its own codes when it lists some, `DEFAULT_REPLY_CODES` otherwise.
 * The same rule the SMS reply hint follows when the message is sent.
 */
export function replyCodeTable(
  replyCodes: { enabled: boolean; codes?: readonly SmsReplyCode[] | null } | null | undefined,
): readonly SmsReplyCode[] {
  if (!replyCodes?.enabled) return [];
  return replyCodes.codes?.length ? replyCodes.codes : DEFAULT_REPLY_CODES;
}

/**
 * What an inbound SMS `body` means for the notification config it answers, whose code table is
 * `codes` (see `replyCodeTable`; an empty table reads keywords and messages only).
 *
 * 1. A body that is not one word (see `normaliseReplyWord`) is a `message`; an empty or
 *    whitespace-only body is a `message` with empty `text`, so the caller decides whether to log it.
 * 2. A carrier keyword is `opt_out`, `opt_in` or `help`, before the code table is looked at:
 *    a table that contains a keyword (template validation refuses one) never shadows it.
 * 3. A word of the table, case-insensitive, is a `code` (the first matching entry, in table order).
 * 4. Any other word is a `message`.
 */
export function classifySmsReply(body: string, codes: readonly SmsReplyCode[]): SmsReplyClassification {
  const text = body.trim();
  const word = normaliseReplyWord(body);
  if (word === null) return { kind: 'message', text };
  const keywordKind = KEYWORD_KINDS.get(word);
  if (keywordKind) return { kind: keywordKind, keyword: word as SmsKeyword };
  const match = codes.find((entry) => normaliseReplyWord(entry.code) === word);
  if (!match) return { kind: 'message', text };
  return match.autoReply === undefined
    ? { kind: 'code', code: match.code, action: match.action }
    : { kind: 'code', code: match.code, action: match.action, autoReply: match.autoReply };
}

/**
 * What an inbound SMS turned out to be, as it is stored and answered: its classification's
 * kind, except that a message from a number with no open notification is
 * `no_open_notification` (it goes to no event's chatter, and is answered with the configured
 * reply). A code exists only in the table of an open notification.
 */
export type SmsReplyKind = SmsReplyClassification['kind'] | 'no_open_notification';

export function smsReplyKind(meaning: SmsReplyClassification, answersNotification: boolean): SmsReplyKind {
  return meaning.kind === 'message' && !answersNotification ? 'no_open_notification' : meaning.kind;
}
