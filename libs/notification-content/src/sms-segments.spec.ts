import fc from 'fast-check';
import { countSmsSegments } from './index';

const a = (n: number) => 'a'.repeat(n);
const zhe = (n: number) => 'ж'.repeat(n); // Cyrillic: not GSM-7, 1 UTF-16 unit
const EMOJI = '😀'; // outside the BMP: a surrogate pair, 2 UTF-16 units

/** GSM 03.38 basic table as 3GPP TS 23.038 prints it, row by row (0x1B, the escape, left out). */
const GSM_BASIC_TABLE = [
  '@£$¥èéùìòÇ\nØø\rÅå',
  'Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ',
  ' !"#¤%&\'()*+,-./',
  '0123456789:;<=>?',
  '¡ABCDEFGHIJKLMNO',
  'PQRSTUVWXYZÄÖÑÜ§',
  '¿abcdefghijklmno',
  'pqrstuvwxyzäöñüà',
].join('');
const GSM_EXTENSION_TABLE = ['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€'];

describe('countSmsSegments', () => {
  describe('segments', () => {
    test.each([
      { case: 'empty text (providers refuse an empty body)', text: '', encoding: 'GSM-7', units: 0, segments: 0 },
      { case: '1 GSM character', text: 'a', encoding: 'GSM-7', units: 1, segments: 1 },
      { case: '160 GSM characters', text: a(160), encoding: 'GSM-7', units: 160, segments: 1 },
      { case: '161 GSM characters', text: a(161), encoding: 'GSM-7', units: 161, segments: 2 },
      { case: '306 GSM characters (2 × 153)', text: a(306), encoding: 'GSM-7', units: 306, segments: 2 },
      { case: '307 GSM characters', text: a(307), encoding: 'GSM-7', units: 307, segments: 3 },
      { case: '459 GSM characters (3 × 153)', text: a(459), encoding: 'GSM-7', units: 459, segments: 3 },
      { case: '80 "{" (160 septets)', text: '{'.repeat(80), encoding: 'GSM-7', units: 160, segments: 1 },
      { case: '81 "{" (162 septets)', text: '{'.repeat(81), encoding: 'GSM-7', units: 162, segments: 2 },
      { case: '159 GSM characters and a "€" (161 septets)', text: a(159) + '€', encoding: 'GSM-7', units: 161, segments: 2 },
      {
        case: 'an escape pair at a 153-septet boundary moves to the next segment',
        text: a(152) + '{' + a(152),
        encoding: 'GSM-7',
        units: 306, // 2 × 153, but segment 1 holds only 152: "{" cannot be split
        segments: 3,
      },
      { case: 'an escape pair just before the boundary stays', text: a(151) + '{' + a(153), encoding: 'GSM-7', units: 306, segments: 2 },
      { case: '70 UCS-2 characters', text: zhe(70), encoding: 'UCS-2', units: 70, segments: 1 },
      { case: '71 UCS-2 characters', text: zhe(71), encoding: 'UCS-2', units: 71, segments: 2 },
      { case: '134 UCS-2 characters (2 × 67)', text: zhe(134), encoding: 'UCS-2', units: 134, segments: 2 },
      { case: '135 UCS-2 characters', text: zhe(135), encoding: 'UCS-2', units: 135, segments: 3 },
      { case: 'one emoji makes a 70-character message UCS-2 (71 units)', text: a(69) + EMOJI, encoding: 'UCS-2', units: 71, segments: 2 },
      { case: '68 characters and an emoji fill one UCS-2 segment', text: a(68) + EMOJI, encoding: 'UCS-2', units: 70, segments: 1 },
      {
        case: 'a surrogate pair at a 67-unit boundary moves to the next segment',
        text: zhe(66) + EMOJI + zhe(66),
        encoding: 'UCS-2',
        units: 134, // 2 × 67, but segment 1 holds only 66: the emoji cannot be split
        segments: 3,
      },
      { case: 'one "ê" makes 160 characters UCS-2', text: a(159) + 'ê', encoding: 'UCS-2', units: 160, segments: 3 },
    ])('$case', ({ text, encoding, units, segments }) => {
      expect(countSmsSegments(text)).toEqual({ encoding, units, segments, characters: [...text].length });
    });
  });

  describe('character costs', () => {
    test.each([
      { case: '"é" is in the GSM basic set', text: 'é', encoding: 'GSM-7', units: 1 },
      { case: '"ê" is not GSM', text: 'ê', encoding: 'UCS-2', units: 1 },
      { case: '"ç" is not GSM (the table has "Ç")', text: 'ç', encoding: 'UCS-2', units: 1 },
      { case: 'a backtick is not GSM', text: '`', encoding: 'UCS-2', units: 1 },
      { case: 'a tab is not GSM', text: '\t', encoding: 'UCS-2', units: 1 },
      { case: 'a curly quote is not GSM', text: '’', encoding: 'UCS-2', units: 1 },
      { case: 'a no-break space is not GSM', text: '\u00A0', encoding: 'UCS-2', units: 1 },
      { case: 'LF and CR are GSM', text: '\r\n', encoding: 'GSM-7', units: 2 },
      { case: '"€" costs 2 septets', text: '€', encoding: 'GSM-7', units: 2 },
      { case: 'a form feed costs 2 septets', text: '\f', encoding: 'GSM-7', units: 2 },
      { case: 'an emoji costs 2 UCS-2 units but is 1 character', text: EMOJI, encoding: 'UCS-2', units: 2 },
      { case: 'a flag is 2 characters of 2 units each', text: '🇩🇪', encoding: 'UCS-2', units: 4 },
    ])('$case', ({ text, encoding, units }) => {
      expect(countSmsSegments(text)).toMatchObject({ encoding, units });
    });

    it('counts characters as code points', () => {
      expect(countSmsSegments(`Hi ${EMOJI}`).characters).toBe(4);
    });

    it('costs 1 septet for every character of the basic table', () => {
      expect([...GSM_BASIC_TABLE]).toHaveLength(127);
      for (const character of GSM_BASIC_TABLE) {
        expect([character, countSmsSegments(character)]).toEqual([character, { encoding: 'GSM-7', units: 1, segments: 1, characters: 1 }]);
      }
    });

    it.each(GSM_EXTENSION_TABLE)('costs 2 septets for the extension character %j', (character) => {
      expect(countSmsSegments(character)).toEqual({ encoding: 'GSM-7', units: 2, segments: 1, characters: 1 });
    });
  });

  describe('properties', () => {
    const character = fc.constantFrom('a', ' ', '\n', 'é', '{', '€', '\f', 'ê', '`', '\t', 'ж', EMOJI);
    const text = fc.array(character, { maxLength: 400 }).map((characters) => characters.join(''));

    it('never needs fewer segments after a character is appended', () => {
      fc.assert(
        fc.property(text, character, (before, appended) => {
          expect(countSmsSegments(before + appended).segments).toBeGreaterThanOrEqual(countSmsSegments(before).segments);
        }),
      );
    });

    it('never packs more units into a segment than the encoding allows', () => {
      fc.assert(
        fc.property(text, (value) => {
          const { encoding, units, segments } = countSmsSegments(value);
          const perSegment = segments > 1 ? (encoding === 'GSM-7' ? 153 : 67) : encoding === 'GSM-7' ? 160 : 70;
          expect(units).toBeLessThanOrEqual(segments * perSegment);
        }),
      );
    });
  });
});
