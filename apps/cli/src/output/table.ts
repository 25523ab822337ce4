/**
 * Aligned text tables for people (scripts use --json): a header, a rule, one line per row.
 * Numbers are right-aligned, everything else left-aligned; a cell longer than `maxWidth`
 * characters is cut with an ellipsis; control characters are shown escaped so that a row
 * stays one line. Pure.
 */

export interface TableOptions {
  /** Widest a cell may be, in characters. Default 60. */
  maxWidth?: number;
}

export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: TableOptions = {},
): string {
  const maxWidth = Math.max(options.maxWidth ?? 60, 2);
  const header = columns.map((c) => clip(oneLine(c), maxWidth));
  const cells = rows.map((row) => columns.map((_, i) => clip(cellText(row[i]), maxWidth)));
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((row) => isNumeric(row[i]) || row[i] == null),
  );
  const widths = columns.map((_, i) =>
    Math.max(width(header[i]), ...cells.map((row) => width(row[i]))),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => (numeric[i] ? padStart(value, widths[i]) : padEnd(value, widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...cells.map(line)].join('\n') + '\n';
}

/** How a value shows in a cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return oneLine(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return oneLine(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
  );
}

const isNumeric = (value: unknown): boolean =>
  typeof value === 'number' || typeof value === 'bigint';

const CONTROL = /[\u0000-\u001f\u007f]/g;

function oneLine(text: string): string {
  return text.replace(CONTROL, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Width in code points (good enough for a terminal table; wide CJK glyphs count as one). */
const width = (text: string): number => [...text].length;

function clip(text: string, maxWidth: number): string {
  const chars = [...text];
  return chars.length <= maxWidth ? text : chars.slice(0, maxWidth - 1).join('') + '…';
}

const padEnd = (text: string, to: number): string => text + ' '.repeat(to - width(text));
const padStart = (text: string, to: number): string => ' '.repeat(to - width(text)) + text;
