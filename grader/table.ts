// Plain-text tables whose cells may carry ANSI colours, and number formats shared by the reports.
import { stripVTControlCharacters } from 'node:util';

export type Align = 'left' | 'right';

export function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}

function pad(text: string, width: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Renders rows under a header; the first column is left-aligned, the rest as `aligns` says. */
export function table(header: string[], rows: string[][], aligns?: Align[], indent = '  '): string {
  const widths = header.map((h, i) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const align = (i: number): Align => aligns?.[i] ?? (i === 0 ? 'left' : 'right');
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => pad(c ?? '', widths[i], align(i)))
      .join('  ')
      .trimEnd();
  const rule = indent + widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** 15494 -> 15.5k, 1392091 -> 1.39M. */
export function compact(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(n / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(n / 1e3).toPrecision(3)}k`;
  return String(Math.round(n));
}

export function secondsText(ms: number | undefined, digits = 1): string {
  return ms === undefined || !Number.isFinite(ms) ? '-' : (ms / 1000).toFixed(digits);
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '-';
  const p = (100 * part) / whole;
  return `${p === 0 || p === 100 || p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

export function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

export function max(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.max(...values);
}
