export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentCount {
  /** GSM-7 when every character is in the GSM 03.38 basic or extension table, else UCS-2. */
  encoding: SmsEncoding;
  /** Segments billed and sent; 0 for an empty text. */
  segments: number;
  /** GSM-7 septets (extension characters cost 2), or UCS-2 UTF-16 code units (most emoji cost 2). */
  units: number;
  /** Unicode code points. */
  characters: number;
}

/** Units in one segment: a message that fits `single` is sent alone; longer ones are split by `concatenated` (the rest is the UDH). */
export const SMS_SEGMENT_LIMITS: Readonly<Record<SmsEncoding, { single: number; concatenated: number }>> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

/** GSM 03.38 basic table, in code order (0x1B, the escape to the extension table, left out): 1 septet each. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** GSM 03.38 extension table (form feed, `^ { } \ [ ~ ] |`, `€`): escape + character, 2 septets each. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const SEPTETS = new Map<string, number>([...[...GSM_BASIC].map((c) => [c, 1] as const), ...[...GSM_EXTENSION].map((c) => [c, 2] as const)]);

/**
 * How an SMS is encoded and how many segments it is sent (and billed) as:
 *
 * - GSM-7 if every character is in the GSM 03.38 tables, else UCS-2 for the whole text
 *   (one `ê`, backtick, tab or emoji is enough).
 * - GSM-7: basic characters cost 1 septet, extension characters 2. Up to 160 septets is one
 *   segment; longer texts are split into segments of at most 153.
 * - UCS-2: each UTF-16 code unit costs 1, so characters outside the BMP (most emoji) cost 2.
 *   Up to 70 units is one segment; longer texts are split into segments of at most 67.
 * - A character is never split across segments: an escape pair or a surrogate pair that
 *   would straddle a boundary starts the next segment, leaving one unit unused.
 * - An empty text is 0 segments (providers refuse an empty body rather than send one).
 *
 * Counts what is given: providers' "smart encoding" (replacing curly quotes and the like
 * to stay in GSM-7) is not applied.
 */
export function countSmsSegments(text: string): SmsSegmentCount {
  const characters = [...text];
  const septets = characters.map((character) => SEPTETS.get(character));
  if (septets.every((cost): cost is number => cost !== undefined)) return count('GSM-7', septets);
  // A code point's string length is its UTF-16 code units: 2 for a surrogate pair.
  return count(
    'UCS-2',
    characters.map((character) => character.length),
  );
}

/** `costs` holds one entry per character: its units in `encoding`. */
function count(encoding: SmsEncoding, costs: readonly number[]): SmsSegmentCount {
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const limits = SMS_SEGMENT_LIMITS[encoding];
  let segments = 0;
  if (units > limits.single) {
    let used = 0;
    segments = 1;
    for (const cost of costs) {
      if (used + cost > limits.concatenated) {
        segments += 1;
        used = 0;
      }
      used += cost;
    }
  } else if (units > 0) {
    segments = 1;
  }
  return { encoding, segments, units, characters: costs.length };
}
