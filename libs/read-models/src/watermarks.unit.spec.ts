import { raiseWatermarks, unreadCount } from './watermarks';

describe('raiseWatermarks', () => {
  it('takes the max of each watermark', () => {
    expect(
      raiseWatermarks({ deliveredSeq: 5, readSeq: 2 }, { deliveredSeq: 3, readSeq: 4 }),
    ).toEqual({ deliveredSeq: 5, readSeq: 4 });
  });

  it('lifts delivered to read (read implies delivered)', () => {
    expect(
      raiseWatermarks({ deliveredSeq: 1, readSeq: 1 }, { deliveredSeq: 0, readSeq: 6 }),
    ).toEqual({ deliveredSeq: 6, readSeq: 6 });
  });

  it('is idempotent and order-independent', () => {
    const a = { deliveredSeq: 4, readSeq: 0 };
    const b = { deliveredSeq: 2, readSeq: 3 };
    const zero = { deliveredSeq: 0, readSeq: 0 };
    const ab = raiseWatermarks(raiseWatermarks(zero, a), b);
    expect(raiseWatermarks(raiseWatermarks(zero, b), a)).toEqual(ab);
    expect(raiseWatermarks(ab, b)).toEqual(ab);
  });
});

describe('unreadCount', () => {
  it('is lastSeq − readSeq and never negative', () => {
    expect(unreadCount(10, 4)).toBe(6);
    expect(unreadCount(3, 5)).toBe(0);
  });
});
