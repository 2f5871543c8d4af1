// The command Stryker's command runner runs for every mutant (and once without one, the dry run),
// in its sandbox, after the build: `node stryker/judge.mjs LAYER`. It grades the layer's parts on
// the compiled reference (the active mutant is chosen by Stryker's __STRYKER_ACTIVE_MUTANT__
// variable, which the grader's workers inherit: hence --no-sandbox, whose box empties the
// environment; the reference is our own code) and exits 1 — killed — if some run failed.
// The reference's own assertions (runtime.invariant) are switched off (DSLAB_INVARIANTS=off): a
// learner's code has none, so a mutant is judged by what the tester sees, a failed check or an
// exception escaping the implementation (a crash, as Go's panics). --bail: the first failure
// decides, so a killed mutant costs only the runs up to it. DSLAB_JUDGE_RUNS and DSLAB_JUDGE_SEED
// replace the runs per test and the first seed (stryker/rejudge.mjs judges survivors on more seeds).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GRADE, layerOf } from './layers.mjs';

const layer = layerOf(process.argv[2]);
const runs = positiveInteger('DSLAB_JUDGE_RUNS', GRADE.runs);
const seed = positiveInteger('DSLAB_JUDGE_SEED', GRADE.seed);
const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dslab-mutant-')), 'results.json');
const args = [
  path.join('dist', 'grader', 'cli.js'),
  layer.parts,
  '-n',
  String(runs),
  '--seed',
  String(seed),
  '-q',
  '-p',
  '1',
  '--timeout',
  String(GRADE.timeoutS),
  '--bail',
  '--no-sandbox',
  '--json',
  json,
];
const grade = spawnSync(process.execPath, args, {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, DSLAB_INVARIANTS: 'off' },
});
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
// With the invariants off none can fail; if one did, the switch did not reach the run: say so.
const ownChecks = failed.filter((r) => r.check === 'implementation-invariant');
if (ownChecks.length > 0) {
  process.stderr.write(
    'judge: a run failed implementation-invariant: DSLAB_INVARIANTS=off was lost\n',
  );
  process.exit(2);
}
const mutant = process.env.__STRYKER_ACTIVE_MUTANT__ ?? 'none';
const checks = [...new Set(failed.map((r) => r.check ?? r.status))].join(', ');
const verdict =
  `mutant ${mutant}: ${results.length} runs, ${failed.length} failed` +
  (checks ? ` (${checks})` : '');
process.stdout.write(`${verdict}\n`);
// One line per mutant beside the report (npm run mutation sets the file): Stryker keeps the
// output of killed mutants only, and which check killed a mutant (a test's or an oracle's, or
// only a crash) is worth telling apart.
if (process.env.DSLAB_MUTATION_LOG)
  fs.appendFileSync(process.env.DSLAB_MUTATION_LOG, `${verdict}\n`);
process.exit(failed.length > 0 ? 1 : 0);

function positiveInteger(variable, fallback) {
  const text = process.env[variable];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`judge: ${variable}=${text} is not a positive integer\n`);
    process.exit(2);
  }
  return value;
}
