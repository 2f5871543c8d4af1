// The reference's columns in the grade table (its mean virtual seconds and RPCs per test, from
// labs/reference-figures.json) and the marks of tests that pass but cost over 1.3x the reference's,
// each with a one-line hint under the table. Absent when no graded test has recorded figures.
import chalk from 'chalk';
import type { GradeFile } from './results';
import type { TestSummary } from './report';
import { compact, secondsText, table } from './table';
import { registry } from './select';
import {
  FIGURE_SEEDS,
  markLine,
  readFigures,
  referenceFigure,
  seedsOf,
  slowMarks,
  SLOWER,
  type ReferenceFigure,
  type SlowMark,
} from './reference-figures';

export interface ReferenceColumns {
  /** The test table with the reference's columns beside the learner's, marks in the status. */
  table(header: string[], rows: string[][], summaries: readonly TestSummary[]): string;
  /** Under the table: where the figures come from, and one line per mark with its hint. */
  lines(): string[];
}

export function referenceColumns(
  file: GradeFile,
  summaries: readonly TestSummary[],
): ReferenceColumns | undefined {
  const figures = readFigures();
  if (!figures) return undefined;
  const refs = new Map<string, ReferenceFigure>();
  const marks = new Map<string, SlowMark[]>();
  const layerOf = new Map(registry().parts.map((p) => [p.id as string, p.writes.at(-1)]));
  for (const s of summaries) {
    const ref = referenceFigure(figures, s.name, seedsOf(file.results, s.name));
    if (!ref) continue;
    refs.set(s.name, ref);
    const passed = s.runs > 0 && s.passed === s.runs;
    const layer = layerOf.get(s.part);
    const m = slowMarks({ ...s, passed, ...(layer ? { layer } : {}) }, ref);
    if (m.length > 0) marks.set(s.name, m);
  }
  if (refs.size === 0) return undefined;
  const same = [...refs.values()].every((r) => r.sameSeeds);
  return {
    table: (header, rows, list) => {
      const wide = rows.map((row, i) => {
        const ref = refs.get(list[i].name);
        const mark = marks.get(list[i].name) ?? [];
        const status = mark.length
          ? `${row[10]} ${chalk.yellow(`(${mark.map(ratioText).join(', ')})`)}`
          : row[10];
        return [
          ...row.slice(0, 7),
          ref ? secondsText(ref.virtualMs) : '-',
          row[7],
          row[8],
          ref ? compact(ref.rpcs) : '-',
          row[9],
          status,
        ];
      });
      const head = [
        ...header.slice(0, 7),
        'ref s',
        header[7],
        header[8],
        'ref RPCs',
        ...header.slice(9),
      ];
      const align = head.map((_, i) => (i === 0 || i === head.length - 1 ? 'left' : 'right'));
      return table(head, wide, align as ('left' | 'right')[]);
    },
    lines: () => {
      const source = same
        ? 'on the same seeds'
        : `on its recorded seeds ${FIGURE_SEEDS.join(', ')}, so a test is marked only past ${SLOWER}x its highest (grade --seed ${FIGURE_SEEDS[0]} -n ${FIGURE_SEEDS.length} compares on the same seeds)`;
      const out = [chalk.dim(`ref s, ref RPCs: the reference's mean ${source}`)];
      if (marks.size === 0) return out;
      out.push(
        '',
        chalk.yellow.bold(
          `Passing, but over ${SLOWER}x the reference's cost (correct code that is slow passes every test):`,
        ),
      );
      for (const m of marks.values()) out.push(`  ${markLine(m)}`);
      return out;
    },
  };
}

/** `1.45x RPCs`, as the status column shows a mark. */
function ratioText(m: SlowMark): string {
  return `${(m.mine / m.reference).toFixed(2)}x ${m.what === 'RPCs' ? 'RPCs' : 'virt s'}`;
}
