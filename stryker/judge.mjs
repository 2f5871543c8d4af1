// The command Stryker's command runner runs for every mutant (and once without one, the dry run),
// in its sandbox, after the build: `node stryker/judge.mjs LAYER`. It grades the layer's parts on
// the compiled reference (the active mutant is chosen by Stryker's __STRYKER_ACTIVE_MUTANT__
// variable, which the grader's workers inherit) and exits 1 — killed — only if some run failed a
// check of the suite. A run that failed `implementation-threw` is the reference's own assertion
// (or a crash of the mutated code) stopping it, not the suite catching the mutant: alone, such
// failures leave the mutant survived (exit 0). So the score counts only what the tests and oracles
// detect, and is a lower bound (a mutant that only crashes counts as survived).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GRADE, layerOf } from './layers.mjs';

const layer = layerOf(process.argv[2]);
const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-mutant-')), 'results.json');
const args = [
  path.join('dist', 'grader', 'cli.js'),
  layer.parts,
  '-n',
  String(GRADE.runs),
  '--seed',
  String(GRADE.seed),
  '-q',
  '-p',
  '1',
  '--timeout',
  String(GRADE.timeoutS),
  '--json',
  json,
];
const grade = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
let results;
try {
  results = JSON.parse(fs.readFileSync(json, 'utf8')).results;
} finally {
  fs.rmSync(path.dirname(json), { recursive: true, force: true });
}
if (!Array.isArray(results)) {
  // No results at all (the grader itself could not run): the mutant broke something; say so.
  process.stderr.write(`judge: the grade wrote no results (exit ${grade.status})\n`);
  process.exit(1);
}
const failed = results.filter((r) => r.status !== 'passed');
const caught = failed.filter((r) => r.check !== 'implementation-threw');
const mutant = process.env.__STRYKER_ACTIVE_MUTANT__ ?? 'none';
const checks = [...new Set(caught.map((r) => r.check))].join(', ');
const verdict =
  `mutant ${mutant}: ${results.length} runs, ${failed.length} failed, ${caught.length} by the suite` +
  (checks ? ` (${checks})` : '') +
  (failed.length > caught.length ? `, ${failed.length - caught.length} implementation-threw` : '');
process.stdout.write(`${verdict}\n`);
// One line per mutant beside the report (npm run mutation sets the file): Stryker keeps the
// output of killed mutants only, and a survivor that only threw is worth telling apart.
if (process.env.DSLAB_MUTATION_LOG)
  fs.appendFileSync(process.env.DSLAB_MUTATION_LOG, `${verdict}\n`);
process.exit(caught.length > 0 ? 1 : 0);
