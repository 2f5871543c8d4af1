// The equivalent mutants of a layer that no `// Stryker disable` comment can single out, listed in
// stryker/equivalent/LAYER.json with a one-line reason each. A comment excludes every mutant of a
// mutator on its line, killed ones included; the list names one mutant at a time, by what it is
// rather than where (so it survives edits above it): its file, mutator, the original line's text
// (trimmed) and the replacement Stryker reports. Where the same line with the same replacement
// occurs twice in a file, `previous` (the trimmed text of the nearest non-blank line above) tells
// the two apart. The summary counts the survivors it matches as "equivalent (listed)", scores over
// the others, and warns about entries that match no survivor (stale, or killed after all).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIELDS = ['file', 'mutator', 'line', 'replacement', 'reason'];

/** The list for `name` (empty if the layer has none), or exit 2 saying which entry is malformed. */
export function readEquivalents(name) {
  const file = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    'equivalent',
    `${name}.json`,
  );
  if (!fs.existsSync(file)) return [];
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) invalid(file, 'the file must hold a JSON array of entries');
  for (const [i, e] of entries.entries()) {
    const missing = FIELDS.filter((f) => typeof e?.[f] !== 'string' || e[f] === '');
    if (missing.length > 0)
      invalid(
        file,
        `entry ${i} lacks ${missing.join(', ')} (each entry needs ${FIELDS.join(', ')})`,
      );
  }
  return entries;
}

function invalid(file, message) {
  process.stderr.write(`${file}: ${message}\n`);
  process.exit(2);
}

/** The trimmed text of the mutant's first line, and of the nearest non-blank line above it. */
function linesOf(mutant) {
  const lines = mutant.source.split('\n');
  const at = mutant.location.start.line - 1;
  let above = at - 1;
  while (above >= 0 && lines[above].trim() === '') above--;
  return { line: lines[at].trim(), previous: above >= 0 ? lines[above].trim() : '' };
}

/** Whether entry `e` names `mutant`. */
export function matches(e, mutant) {
  if (e.file !== mutant.file || e.mutator !== mutant.mutatorName) return false;
  if (e.replacement !== String(mutant.replacement ?? '')) return false;
  const { line, previous } = linesOf(mutant);
  return e.line === line && (e.previous === undefined || e.previous === previous);
}
