// The README's table of the parts, made from the part registry (labs/parts.ts): README.md keeps it
// between two markers, `npm run parts-table` rewrites it there, and a spec checks that it is up to
// date, so the table never says something the registry does not (the student edition's README is
// taken from the same section).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRegistry, type Registry } from '../labs';

const README = path.resolve(__dirname, '..', '..', 'README.md');
export const BEGIN = '<!-- parts table: made from labs/parts.ts by npm run parts-table -->';
export const END = '<!-- end of parts table -->';
/** The 2026 edition's table (labs/e2026/parts.ts), in the README's section on editions. */
export const BEGIN_2026 =
  '<!-- parts table 2026: made from labs/e2026/parts.ts by npm run parts-table -->';
export const END_2026 = '<!-- end of parts table 2026 -->';

function testsCell(course: number, ours: number, challenges: number): string {
  const c = challenges ? `${course} (${challenges} challenges)` : String(course);
  return ours > 0 ? `${c} + ${ours} of ours` : c;
}

/** The table, one row per part: what the learner builds, where, its tests and points. */
export function partsTable(reg: Registry = loadRegistry('', '2023')): string {
  const rows = reg.parts.map((p) => {
    const challenges = p.course.filter((s) => s.challenge).length;
    const swarm = p.swarm ? `; \`swarm ${p.id.toLowerCase()}\`` : '';
    return `| ${p.id} | **${p.title}**: ${p.work} | \`${p.files}\` | ${testsCell(p.course.length, p.ours.length, challenges)}${swarm} | ${p.points} |`;
  });
  return [
    '| part | what you build | where | tests (`labs/`) | points |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** README text with the table between the markers replaced by `table`. */
export function withTable(readme: string, table: string, begin = BEGIN, end = END): string {
  const a = readme.indexOf(begin);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no "${begin}" ... "${end}" markers`);
  return `${readme.slice(0, a + begin.length)}\n${table}\n${readme.slice(b)}`;
}

if (require.main === module) {
  const readme = fs.readFileSync(README, 'utf8');
  const table2026 = partsTable(loadRegistry('', '2026'));
  fs.writeFileSync(
    README,
    withTable(withTable(readme, partsTable()), table2026, BEGIN_2026, END_2026),
  );
  console.log(`parts table written to ${path.relative(process.cwd(), README)}`);
}
