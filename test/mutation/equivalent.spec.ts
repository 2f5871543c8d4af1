// The lists of equivalent mutants (stryker/equivalent/LAYER.json, read by stryker/equivalent.mjs):
// what an entry matches, and that every entry still names a line the source has. A mutation run
// takes hours and is not part of CI; this check is, so an edit that leaves an entry stale (its line
// gone) fails here instead of silently lowering the next run's score.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LISTS = path.join(ROOT, 'stryker', 'equivalent');

interface Entry {
  file: string;
  mutator: string;
  line: string;
  mutated: string;
  reason: string;
  near?: string;
}

interface Mutant {
  file: string;
  mutatorName: string;
  source: string;
  replacement: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}

type EquivalentModule = {
  matches(e: Entry, m: Mutant): boolean;
  readEquivalents(name: string): Entry[];
};

function load(): Promise<EquivalentModule> {
  return import(path.join(ROOT, 'stryker', 'equivalent.mjs')) as Promise<EquivalentModule>;
}

/** A mutant replacing columns [from, to) (1-based) of line `line` of `source`. */
function mutant(
  source: string,
  line: number,
  from: number,
  to: number,
  replacement: string,
): Mutant {
  return {
    file: 'src/x.ts',
    mutatorName: 'ConditionalExpression',
    source,
    replacement,
    location: { start: { line, column: from }, end: { line, column: to } },
  };
}

describe('stryker/equivalent: the lists of equivalent mutants', () => {
  const SOURCE = [
    'function f(a, b) {',
    '  if (a < b) return 1;',
    '  if (a < b) return 1;',
    '}',
  ].join('\n');
  const entry: Entry = {
    file: 'src/x.ts',
    mutator: 'ConditionalExpression',
    line: 'if (a < b) return 1;',
    mutated: 'if (false) return 1;',
    reason: 'a test entry',
  };

  it('an entry matches the mutant by file, mutator, line text and mutated line', async () => {
    const { matches } = await load();
    expect(matches(entry, mutant(SOURCE, 2, 7, 12, 'false'))).to.equal(true);
    expect(matches(entry, mutant(SOURCE, 2, 7, 12, 'true'))).to.equal(false);
    expect(
      matches({ ...entry, mutator: 'EqualityOperator' }, mutant(SOURCE, 2, 7, 12, 'false')),
    ).to.equal(false);
    expect(matches({ ...entry, file: 'src/y.ts' }, mutant(SOURCE, 2, 7, 12, 'false'))).to.equal(
      false,
    );
  });

  it('`near` tells apart two equal lines by text on a line above', async () => {
    const { matches } = await load();
    const near = { ...entry, near: 'function f' };
    expect(matches(near, mutant(SOURCE, 2, 7, 12, 'false'))).to.equal(true);
    const far = SOURCE.replace(
      '  if (a < b) return 1;\n  if',
      '  if (a < b) return 1;\n\n\n\n\n\n  if',
    );
    expect(matches(near, mutant(far, 8, 7, 12, 'false'))).to.equal(false);
  });

  for (const file of fs.existsSync(LISTS)
    ? fs.readdirSync(LISTS).filter((f) => f.endsWith('.json'))
    : []) {
    const layer = file.replace(/\.json$/, '');
    it(`${file}: every entry is well formed, listed once, and names a line its source file has`, async () => {
      const { readEquivalents } = await load();
      const entries = readEquivalents(layer);
      expect(entries.length).to.be.greaterThan(0);
      const seen = new Set<string>();
      const problems: string[] = [];
      for (const e of entries) {
        const key = JSON.stringify([e.file, e.mutator, e.line, e.mutated, e.near ?? '']);
        if (seen.has(key)) problems.push(`listed twice: ${e.file} ${e.mutator} ${e.mutated}`);
        seen.add(key);
        if (!e.file.startsWith(`src/${layer}/`)) problems.push(`${e.file} is not in src/${layer}/`);
        const full = path.join(ROOT, e.file);
        if (!fs.existsSync(full)) {
          problems.push(`${e.file} does not exist`);
          continue;
        }
        const lines = fs.readFileSync(full, 'utf8').split('\n');
        const at = lines.flatMap((l, i) => (l.trim() === e.line ? [i] : []));
        const placed = at.filter(
          (i) =>
            e.near === undefined ||
            lines.slice(Math.max(0, i - 5), i).some((l) => l.includes(e.near!)),
        );
        if (placed.length === 0)
          problems.push(
            `${e.file}: no line reads "${e.line}"${e.near ? ` below "${e.near}"` : ''} (a stale entry)`,
          );
      }
      expect(problems).to.deep.equal([]);
    });
  }
});
