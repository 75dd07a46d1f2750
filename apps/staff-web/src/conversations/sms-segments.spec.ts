import { describe, expect, it } from '@jest/globals';
import { smsSegments } from './sms-segments';

describe('smsSegments', () => {
  it.each([
    ['empty', '', 'GSM-7', 0, 0, 160],
    ['one GSM-7 character', 'a', 'GSM-7', 1, 1, 159],
    ['160 GSM-7 characters: one SMS', 'a'.repeat(160), 'GSM-7', 160, 1, 0],
    ['161 GSM-7 characters: two segments of 153', 'a'.repeat(161), 'GSM-7', 161, 2, 145],
    ['306 GSM-7 characters: exactly two segments', 'a'.repeat(306), 'GSM-7', 306, 2, 0],
    ['307 GSM-7 characters: three segments', 'a'.repeat(307), 'GSM-7', 307, 3, 152],
    ['GSM-7 accents and symbols stay 7-bit', 'Café à 10h? £5 @ Ärzte §1 ¿Sì?', 'GSM-7', 30, 1, 130],
    ['an extension character takes two septets', '€', 'GSM-7', 2, 1, 158],
    ['159 letters and one € is 161 septets: two segments', `${'a'.repeat(159)}€`, 'GSM-7', 161, 2, 145],
    ['an escape is never split: after 152 letters, the € starts segment two', `${'a'.repeat(152)}€${'b'.repeat(10)}`, 'GSM-7', 164, 2, 141],
    ['í (unlike ì) is not GSM-7: UCS-2', 'Sí', 'UCS-2', 2, 1, 68],
    ['a curly apostrophe makes the text UCS-2', 'It’s fine', 'UCS-2', 9, 1, 61],
    ['70 UCS-2 units: one SMS', `’${'a'.repeat(69)}`, 'UCS-2', 70, 1, 0],
    ['71 UCS-2 units: two segments of 67', `’${'a'.repeat(70)}`, 'UCS-2', 71, 2, 63],
    ['134 UCS-2 units: exactly two segments', `’${'a'.repeat(133)}`, 'UCS-2', 134, 2, 0],
    ['an emoji is two UTF-16 units', '👍', 'UCS-2', 2, 1, 68],
    ['a surrogate pair is never split across segments', `${'a'.repeat(66)}👍${'a'.repeat(10)}`, 'UCS-2', 78, 2, 55],
    ['Cyrillic is UCS-2', 'Привет', 'UCS-2', 6, 1, 64],
  ])('%s', (_, text, encoding, units, segments, remaining) => {
    const result = smsSegments(text);
    expect({ encoding: result.encoding, units: result.units, segments: result.segments, remaining: result.remaining }).toEqual({
      encoding,
      units,
      segments,
      remaining,
    });
  });

  it('names the first character that is not GSM-7, and none for a GSM-7 text', () => {
    expect(smsSegments('Hi “Jane”').firstNonGsm).toBe('“');
    expect(smsSegments('Hi "Jane"').firstNonGsm).toBeUndefined();
  });

  it('says how many units a segment holds: 160/153 for GSM-7, 70/67 for UCS-2', () => {
    expect(smsSegments('a').perSegment).toBe(160);
    expect(smsSegments('a'.repeat(200)).perSegment).toBe(153);
    expect(smsSegments('é’').perSegment).toBe(70);
    expect(smsSegments('’'.repeat(100)).perSegment).toBe(67);
  });
});
