// npm run mutation:rejudge -- LAYER [--runs N] [--seed S] [--only ID,ID]: judges again, on more
// runs and other seeds, the mutants a finished `npm run mutation -- LAYER` left alive. A whole-layer
// run gives every mutant the same small grade (stryker/layers.mjs, GRADE); a survivor is worth a
// closer look before it is called equivalent, and only survivors need it.
//
// How: Stryker builds a sandbox with every mutant of the report's files switched in (a dry run
// that keeps its sandbox), the mutant ids being the report's when the sources are unchanged (this
// script refuses otherwise); then the judge runs in that sandbox once per survivor, with
// __STRYKER_ACTIVE_MUTANT__ set and DSLAB_JUDGE_RUNS/DSLAB_JUDGE_SEED replacing the grade's runs and
// seed. Verdicts go to reports/mutation/LAYER/rejudge.json (merged with earlier re-judgings, so a
// long list can be judged in pieces), which `npm run mutation:summary` reads.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { layerOrExit, reportsDir } from './layers.mjs';
import { mutantKey, mutantsOf, readReportOrExit } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const program = new Command('mutation:rejudge')
  .argument('<layer>')
  .option('--runs <n>', 'runs per test of every judged mutant', '10')
  .option('--seed <s>', 'first seed (the whole-layer run used 1..3)', '4')
  .option('--only <ids>', 'judge only these mutant ids (comma-separated), survivors or not')
  .parse();
const name = program.args[0];
layerOrExit(name);
const { runs, seed, only } = program.opts();
for (const [option, value] of [
  ['--runs', runs],
  ['--seed', seed],
])
  if (!/^[1-9][0-9]*$/.test(value)) fail(`${option} ${value}: a positive whole number is needed`);

const dir = reportsDir(name);
const report = readReportOrExit(name);
const files = Object.keys(report.files);
const stale = files.filter(
  (f) => fs.readFileSync(path.join(root, f), 'utf8') !== report.files[f].source,
);
if (stale.length > 0)
  fail(
    `${stale.join(', ')} changed since the report was made, so its mutant ids no longer name the ` +
      `same mutants: run npm run mutation -- ${name} (with --mutate for these files) again first`,
  );

const mutants = mutantsOf(report);
const onlyIds = only?.split(',').filter((id) => id !== '');
const unknown = onlyIds?.filter((id) => !mutants.some((m) => m.id === id)) ?? [];
if (unknown.length > 0)
  fail(
    `no mutant ${unknown.join(', ')} in the report (ids are those of mutation.json or the summary)`,
  );
const wanted = onlyIds
  ? mutants.filter((m) => onlyIds.includes(m.id))
  : mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
if (wanted.length === 0) fail('nothing to judge: no survivors in the report (or no such ids)');

const sandbox = instrumentedSandbox(files, mutants.length);
const verdictsFile = path.join(dir, 'rejudge.json');
const verdicts = fs.existsSync(verdictsFile)
  ? JSON.parse(fs.readFileSync(verdictsFile, 'utf8'))
  : { mutants: {} };
let killed = 0;
for (const [i, mutant] of wanted.entries()) {
  const judge = spawnSync(process.execPath, [path.join('stryker', 'judge.mjs'), name], {
    cwd: sandbox,
    encoding: 'utf8',
    env: {
      ...process.env,
      __STRYKER_ACTIVE_MUTANT__: mutant.id,
      DSLAB_JUDGE_RUNS: runs,
      DSLAB_JUDGE_SEED: seed,
      DSLAB_MUTATION_LOG: '',
    },
  });
  const line = /^mutant .*$/m.exec(judge.stdout)?.[0];
  if (!line) fail(`the judge gave no verdict for mutant ${mutant.id}:\n${judge.stderr}`);
  const checks = /failed \(([^)]*)\)$/.exec(line)?.[1].split(', ') ?? [];
  const isKilled = judge.status !== 0;
  if (isKilled) killed++;
  verdicts.mutants[mutant.id] = {
    where: mutantKey(mutant),
    runs: Number(runs),
    seed: Number(seed),
    killed: isKilled,
    checks,
  };
  fs.writeFileSync(verdictsFile, `${JSON.stringify(verdicts, null, 1)}\n`);
  process.stdout.write(`[${i + 1}/${wanted.length}] ${mutantKey(mutant)}: ${line}\n`);
}
fs.rmSync(path.dirname(sandbox), { recursive: true, force: true });
process.stdout.write(
  `${killed} of ${wanted.length} killed on ${runs} runs from seed ${seed}; verdicts in ${path.relative(root, verdictsFile)}\n`,
);

/** A Stryker sandbox with the mutants of `files` compiled in; checks the count matches the report. */
function instrumentedSandbox(files, expected) {
  const tempDirName = '.stryker-rejudge';
  fs.rmSync(path.join(root, tempDirName), { recursive: true, force: true });
  const stryker = path.join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const dry = spawnSync(
    process.execPath,
    [
      stryker,
      'run',
      'stryker.conf.mjs',
      '--mutate',
      files.join(','),
      '--dryRunOnly',
      '--cleanTempDir',
      'false',
      '--tempDirName',
      tempDirName,
      '--reporters',
      'clear-text',
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, DSLAB_MUTATION_LAYER: name } },
  );
  const instrumented = /Instrumented \d+ source file\(s\) with (\d+) mutant/.exec(dry.stdout);
  if (dry.status !== 0 || !instrumented)
    fail(`Stryker's dry run failed (exit ${dry.status}):\n${dry.stdout}\n${dry.stderr}`);
  if (Number(instrumented[1]) !== expected)
    fail(
      `the sandbox has ${instrumented[1]} mutants where the report has ${expected}: ids would not ` +
        `match (was the report made with other ignorers or Stryker options?)`,
    );
  const sandboxes = fs
    .readdirSync(path.join(root, tempDirName))
    .filter((d) => d.startsWith('sandbox'));
  if (sandboxes.length !== 1)
    fail(`expected one sandbox in ${tempDirName}, found ${sandboxes.length}`);
  return path.join(root, tempDirName, sandboxes[0]);
}

function fail(message) {
  process.stderr.write(`mutation:rejudge: ${message}\n`);
  process.exit(2);
}
