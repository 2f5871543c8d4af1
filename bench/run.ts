// npm run bench: runs every bench/*.bench.ts module (or those named on the command line, e.g.
// `npm run bench -- sim`) and writes their sections into BENCHMARKS.md. Each module exports
// `title` and `run(): Promise<string>` returning Markdown. Sections not re-run are kept as they were,
// and so is the hand-measured text after a section's end marker (it says it was measured by hand).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface BenchModule {
  title: string;
  order?: number;
  run(): Promise<string>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'BENCHMARKS.md');
const BEGIN = (name: string) => `<!-- bench:${name} -->`;
const END = (name: string) => `<!-- /bench:${name} -->`;

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => f.replace(/\.bench\.js$/, ''));
  const unknown = only.filter((name) => !files.includes(name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; available: ${files.join(', ')}`);
    process.exit(2);
  }
  const previous = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  const sections = new Map<string, { order: number; text: string; byHand: string }>();
  for (const name of files) {
    const mod = require(path.join(__dirname, `${name}.bench.js`)) as BenchModule;
    const order = mod.order ?? 50;
    const byHand = afterSection(previous, name);
    if (only.length > 0 && !only.includes(name)) {
      const kept = extract(previous, name);
      if (kept) sections.set(name, { order, text: kept, byHand });
      continue;
    }
    console.log(`bench ${name}: ${mod.title} ...`);
    const started = performance.now();
    const body = await mod.run();
    console.log(`bench ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const stamp = `_Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, by \`npm run bench -- ${name}\`._`;
    sections.set(name, { order, text: `## ${mod.title}\n\n${stamp}\n\n${body.trim()}\n`, byHand });
  }
  const ordered = [...sections.entries()].sort(
    (a, b) => a[1].order - b[1].order || a[0].localeCompare(b[0]),
  );
  const doc = [
    '# Benchmarks',
    '',
    'Every section is produced by `npm run bench` (all sections) or `npm run bench -- NAME` (one section).',
    'A few subsections after a section were measured by hand and say so in their heading; `npm run bench`',
    'keeps them as they are. Real times are wall-clock on the machine named in each section.',
    '',
    ...ordered.map(
      ([name, s]) => `${BEGIN(name)}\n${s.text}${END(name)}\n${s.byHand ? `\n${s.byHand}\n` : ''}`,
    ),
  ].join('\n');
  fs.writeFileSync(OUT, doc);
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

/** The text between a section's end marker and the next section (hand-measured subsections), trimmed. */
function afterSection(doc: string, name: string): string {
  const end = doc.indexOf(END(name));
  if (end < 0) return '';
  const from = end + END(name).length;
  const next = doc.indexOf('<!-- bench:', from);
  return doc.slice(from, next < 0 ? undefined : next).trim();
}

function extract(doc: string, name: string): string | undefined {
  const start = doc.indexOf(BEGIN(name));
  const end = doc.indexOf(END(name));
  if (start < 0 || end < 0) return undefined;
  return doc.slice(start + BEGIN(name).length + 1, end);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
