// The equivalent mutants of a layer that no `// Stryker disable` comment can single out, listed in
// stryker/equivalent/LAYER.json with a one-line reason each. A comment excludes every mutant of a
// mutator on its line, killed ones included; the list names one mutant at a time, by what it is
// rather than where (so it survives edits above it): its file, mutator, the original line's text
// and the line as the mutant makes it (both trimmed; the second tells apart mutants of one line
// that replace different parts with the same text). Where the same line occurs twice in a file,
// `near` (a piece of text on one of the NEAR lines above) tells the two apart. The summary counts
// the survivors it matches as "equivalent (listed)", scores over the others, and warns about
// entries that match no survivor (stale, or killed after all).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { mutatedLine } from './report.mjs';

const FIELDS = ['file', 'mutator', 'line', 'mutated', 'reason'];
/** How many lines above the mutant's an entry's `near` text may be found on. */
const NEAR = 5;

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

/** Whether entry `e` names `mutant`. */
export function matches(e, mutant) {
  if (e.file !== mutant.file || e.mutator !== mutant.mutatorName) return false;
  const lines = mutant.source.split('\n');
  const at = mutant.location.start.line - 1;
  if (e.line !== lines[at].trim() || e.mutated !== mutatedLine(mutant)) return false;
  return (
    e.near === undefined || lines.slice(Math.max(0, at - NEAR), at).some((l) => l.includes(e.near))
  );
}
