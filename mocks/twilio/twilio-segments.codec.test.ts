import { SegmentedMessage } from 'sms-segments-calculator';
import { countSegments, isGsm7Char } from './twilio-segments.codec';

describe('countSegments', () => {
  it('counts GSM-7 bodies at 160 septets for one segment and 153 per segment beyond', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSegments('a'.repeat(1600)).segments).toBe(11);
  });

  it('counts extension-table characters as two septets and never splits one across segments', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
    // 152 plain septets leave one free in the first segment: the two-septet € must move on.
    expect(countSegments('a'.repeat(152) + '€' + 'a'.repeat(152)).segments).toBe(3);
    expect(countSegments('a'.repeat(151) + '€' + 'a'.repeat(153)).segments).toBe(2);
    for (const ch of '^{}\\[~]|€\f') expect(countSegments(ch).units).toBe(2);
  });

  it('keeps the GSM-7 basic table, including Greek capitals and accented letters, in GSM-7', () => {
    const basic = '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r';
    expect(countSegments(basic).encoding).toBe('GSM-7');
    expect(countSegments(basic).units).toBe([...basic].length);
    expect(isGsm7Char('\u001b')).toBe(false);
  });

  it('switches to UCS-2 on any other character: 70 units for one segment, 67 per segment beyond', () => {
    expect(countSegments('ж'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSegments('ж'.repeat(71)).segments).toBe(2);
    expect(countSegments('ж'.repeat(134)).segments).toBe(2);
    expect(countSegments('ж'.repeat(135)).segments).toBe(3);
    expect(countSegments('a'.repeat(100) + 'ç').encoding).toBe('UCS-2');
  });

  it('counts an emoji as two UTF-16 units and does not split the pair across segments', () => {
    expect(countSegments('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSegments('ж' + '😀'.repeat(35)).segments).toBe(2);
    // 66 units + a pair: the pair does not fit the 67-unit segment and starts the next one.
    expect(countSegments('ж'.repeat(66) + '😀' + 'ж'.repeat(66)).segments).toBe(3);
  });

  it('counts an empty body (media only) as one segment', () => {
    expect(countSegments('').segments).toBe(1);
  });

  it("agrees with Twilio's own segment calculator", () => {
    const bodies = [
      'Your appeal №123 is registered',
      'Ваше звернення зареєстровано. Номер: ВХ-2026-000123. Відповідь надійде протягом 30 днів.',
      'Status: [done] {ok} ~ | ^ € \\ ' + 'x'.repeat(140),
      'a'.repeat(459),
      'a'.repeat(460),
      'Привіт 👋 '.repeat(20),
      'Ünïcödé but GSM? Ä Ö Ü ß é è ù à',
      'Ελληνικά ΔΦΓΛΩΠΨΣΘΞ',
    ];
    for (const body of bodies) {
      const theirs = new SegmentedMessage(body);
      const ours = countSegments(body);
      expect([body.slice(0, 20), ours.encoding, ours.segments]).toEqual([body.slice(0, 20), theirs.encodingName, theirs.segmentsCount]);
    }
  });
});
