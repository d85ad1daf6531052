/** Small number helpers for the benchmark: percentiles, formatting, the result table. */

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function max(samples: readonly number[]): number {
  return samples.reduce((m, v) => (v > m ? v : m), Number.NEGATIVE_INFINITY);
}

export function fmtRate(perSecond: number, unit = 'msg/s'): string {
  return `${Math.round(perSecond).toLocaleString('en-US')} ${unit}`;
}

export function fmtMs(ms: number): string {
  return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

export function fmtPct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export type Verdict = 'PASS' | 'MISS' | '';

export interface TableRow {
  figure: string;
  value: string;
  target?: string;
  verdict?: Verdict;
}

/** A plain fixed-width table; a row with only `figure` is a section heading. */
export function renderTable(rows: readonly TableRow[]): string {
  const header: TableRow = { figure: 'figure', value: 'value', target: 'ceiling / target', verdict: '' };
  const all = [header, ...rows];
  const width = (pick: (r: TableRow) => string) => Math.max(...all.map((r) => pick(r).length));
  const w1 = width((r) => r.figure);
  const w2 = width((r) => r.value);
  const w3 = width((r) => r.target ?? '');
  const line = (r: TableRow) =>
    `${r.figure.padEnd(w1)}  ${r.value.padStart(w2)}  ${(r.target ?? '').padEnd(w3)}  ${r.verdict ?? ''}`.trimEnd();
  const rule = '-'.repeat(w1 + w2 + w3 + 10);
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function verdict(pass: boolean): Verdict {
  return pass ? 'PASS' : 'MISS';
}

/** A plain grid: the first column left-aligned, the others right-aligned. */
export function renderGrid(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    widths
      .map((w, c) => (c === 0 ? (r[c] ?? '').padEnd(w) : (r[c] ?? '').padStart(w)))
      .join('  ')
      .trimEnd();
  return [line(header), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2)), ...rows.map(line)].join('\n');
}
