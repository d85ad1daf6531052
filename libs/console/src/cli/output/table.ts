import { terminalSafe } from './terminal-text';

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | null | undefined;
  /** Numbers read best right-aligned. */
  readonly align?: 'left' | 'right';
}

/**
 * A plain text table: a header line, then one line per row, columns two spaces apart and
 * padded to their widest cell (the last column unpadded, so lines carry no trailing spaces).
 * Cells are made terminal-safe here, whatever the caller passed.
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i].length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => {
        const last = i === values.length - 1;
        if (columns[i].align === 'right') return value.padStart(widths[i]);
        return last ? value : value.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n') + '\n';
}

function cellText(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return terminalSafe(String(value));
}
