import { WatermarkBatcher } from './watermarks';

describe('WatermarkBatcher', () => {
  it('coalesces raises per conversation into the highest seq and never goes down', () => {
    const sent: Array<[string, number]> = [];
    const b = new WatermarkBatcher((c, s) => sent.push([c, s]) > 0, 1_000);
    b.raise('a', 1);
    b.raise('a', 3);
    b.raise('a', 2);
    b.raise('b', 7);
    b.flush();
    b.raise('a', 3);
    b.flush();
    b.dispose();
    expect(sent).toEqual([
      ['a', 3],
      ['b', 7],
    ]);
  });

  it('keeps what could not be sent for the next flush', () => {
    let online = false;
    const sent: number[] = [];
    const b = new WatermarkBatcher((_c, s) => online && sent.push(s) > 0, 0);
    b.raise('a', 4);
    expect(sent).toEqual([]);
    online = true;
    b.flush();
    expect(sent).toEqual([4]);
  });
});
