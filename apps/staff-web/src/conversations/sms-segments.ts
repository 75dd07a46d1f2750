/**
 * How many SMS segments a text costs, as the composer's counter shows it while staff type.
 *
 * A text that fits GSM-7 (GSM 03.38's basic set, plus its extension table whose characters take
 * two septets: `^ { } [ ] ~ \ | €` and form feed) is sent in 7-bit: 160 per single SMS, 153 per
 * segment of a longer one. Any other character (an emoji, a curly quote, most accents) turns the
 * whole text into UCS-2: 70, then 67 per segment, counted in UTF-16 code units. A segment never
 * splits an escape sequence or a surrogate pair, so segments are packed character by character.
 *
 * Pure and DOM-free: unit-tested by the root Jest `unit` project (`sms-segments.spec.ts`).
 */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  /** 0 for an empty text. */
  segments: number;
  /** Units one segment holds at this length: 160 / 70 for a single SMS, 153 / 67 once it is split. */
  perSegment: number;
  /** Units left in the last segment before another one starts. */
  remaining: number;
  /** The first character that is not GSM-7 (why the text is UCS-2), if any. */
  firstNonGsm?: string;
}

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

export function smsSegments(text: string): SmsSegments {
  const characters = Array.from(text); // code points: a surrogate pair stays one character
  const firstNonGsm = characters.find((character) => !BASIC.has(character) && !EXTENSION.has(character));
  const encoding: SmsEncoding = firstNonGsm === undefined ? 'GSM-7' : 'UCS-2';
  const size = (character: string) => (encoding === 'GSM-7' ? (EXTENSION.has(character) ? 2 : 1) : character.length);
  const units = characters.reduce((total, character) => total + size(character), 0);
  const { single, multi } = LIMITS[encoding];

  if (units <= single) {
    return {
      encoding,
      units,
      segments: units === 0 ? 0 : 1,
      perSegment: single,
      remaining: single - units,
      ...(firstNonGsm !== undefined ? { firstNonGsm } : {}),
    };
  }
  let segments = 1;
  let used = 0;
  for (const character of characters) {
    const width = size(character);
    if (used + width > multi) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return {
    encoding,
    units,
    segments,
    perSegment: multi,
    remaining: multi - used,
    ...(firstNonGsm !== undefined ? { firstNonGsm } : {}),
  };
}
