import { cellText, renderTable } from './table';

describe('aligned tables', () => {
  it('pads columns to their widest cell, numbers right-aligned, with a rule under the header', () => {
    const text = renderTable(
      ['conversation', 'messages'],
      [
        ['c1', 120],
        ['a-longer-id', 7],
      ],
    );
    expect(text).toBe(
      [
        'conversation  messages',
        '------------  --------',
        'c1                 120',
        'a-longer-id          7',
        '',
      ].join('\n'),
    );
  });

  it('keeps every row on one line and cuts long cells', () => {
    const text = renderTable(['body'], [['line one\nline two'], ['x'.repeat(100)]], {
      maxWidth: 12,
    });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('line one\\nl…');
    expect(lines[3]).toBe('xxxxxxxxxxx…');
  });

  it('shows NULL, dates, bigints and objects', () => {
    expect(cellText(null)).toBe('NULL');
    expect(cellText(new Date(Date.UTC(2025, 0, 1)))).toBe('2025-01-01T00:00:00.000Z');
    expect(cellText(2n ** 70n)).toBe('1180591620717411303424');
    expect(cellText({ a: [1, 2n] })).toBe('{"a":[1,"2"]}');
  });

  it('a result without rows is still a header and a rule', () => {
    expect(renderTable(['a', 'bb'], [])).toBe('a  bb\n-  --\n');
  });

  it('a column of numbers and NULLs is right-aligned; mixed columns are left-aligned', () => {
    const text = renderTable(
      ['n', 'mixed'],
      [
        [1, 1],
        [null, 'x'],
        [100, 2],
      ],
    );
    expect(text.split('\n').slice(2, 5)).toEqual(['   1  1', 'NULL  x', ' 100  2']);
  });
});
