import { smsShape } from './sms-shape';

describe('smsShape', () => {
  it('counts characters, segments and encoding', () => {
    expect(smsShape('Hello')).toEqual({ characters: 5, segments: 1, encoding: 'GSM-7' });
    expect(smsShape('Привіт'.repeat(20))).toEqual({ characters: 120, segments: 2, encoding: 'UCS-2' });
  });

  it('sizes Cyrillic as UCS-2 with 70 / 67 characters per segment', () => {
    expect(smsShape('Ї'.repeat(70))).toEqual({ characters: 70, segments: 1, encoding: 'UCS-2' });
    expect(smsShape('Ї'.repeat(71))).toEqual({ characters: 71, segments: 2, encoding: 'UCS-2' });
    expect(smsShape('Ї'.repeat(134))).toMatchObject({ segments: 2 });
    expect(smsShape('Ї'.repeat(135))).toMatchObject({ segments: 3 });
  });

  it('sizes GSM-7 with 160 / 153 characters per segment', () => {
    expect(smsShape('a'.repeat(160))).toEqual({ characters: 160, segments: 1, encoding: 'GSM-7' });
    expect(smsShape('a'.repeat(161))).toEqual({ characters: 161, segments: 2, encoding: 'GSM-7' });
  });

  it('counts characters as code points, not UTF-16 units', () => {
    expect(smsShape('ok 👍').characters).toBe(4);
  });

  it('answers a repeated text from its cache, and measures again once the text was evicted', () => {
    const first = smsShape('Ваше звернення зареєстровано');
    expect(smsShape('Ваше звернення зареєстровано')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    for (let i = 0; i < 1000; i += 1) smsShape(`text ${i}`);
    const again = smsShape('Ваше звернення зареєстровано');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('still sizes a text the calculator cannot read, by characters only', () => {
    jest.isolateModules(() => {
      jest.doMock('sms-segments-calculator', () => ({
        SegmentedMessage: jest.fn(() => {
          throw new Error('unreadable');
        }),
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- re-imported after jest.doMock, which import() would not see synchronously
      const fresh = (require('./sms-shape') as typeof import('./sms-shape')).smsShape;
      expect(fresh('abc')).toEqual({ characters: 3, segments: 0, encoding: 'unknown' });
    });
    jest.dontMock('sms-segments-calculator');
  });
});
