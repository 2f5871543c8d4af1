// npm run fingerprints -- check|update: the trace fingerprint of every registered test of every
// edition (each part's course tests and ours, and every swarm test at each of its levels) on two
// fixed seeds, run on the reference implementation by the grader's workers. `update` writes fingerprints.json; `check`
// compares with it and names every run whose fingerprint changed, with the command that replays it.
// A commit that changes fingerprints updates the file and says why: determinism is the product.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { levelsOf, loadRegistry, testsOf } from '../labs';
import { EDITION_ENV, EDITIONS, type Edition } from '../labs/editions';
import type { SelectedTest } from '../grader/select';
import { referenceRuns } from './reference-runs';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const FILE = path.join(PROJECT_ROOT, 'fingerprints.json');
const FIRST_SEED = 51;
const SEEDS = 2;

interface FingerprintFile {
  /** Promise job order, and so fingerprints, may differ between Node majors. */
  node: string;
  seeds: number[];
  /** `TestName` or `TestName@LEVEL` -> seed -> fingerprint. */
  runs: Record<string, Record<string, string>>;
}

/** Every test of an edition once per part, and each swarm test at each of its levels. */
function everyTest(edition: Edition): SelectedTest[] {
  const reg = loadRegistry('', edition);
  const tests: SelectedTest[] = reg.parts.flatMap((p) =>
    testsOf(p).map((s) => ({ name: s.name, part: s.part })),
  );
  for (const s of reg.swarm)
    for (const level of levelsOf(s, reg)) tests.push({ name: s.name, part: s.part, level });
  return tests;
}

const keyOf = (t: { test: string; level?: string }) => (t.level ? `${t.test}@${t.level}` : t.test);

/** Every edition's tests, one session each (the workers resolve test names in DSLAB_EDITION's). */
async function measure(): Promise<FingerprintFile> {
  const runs: FingerprintFile['runs'] = {};
  const before = process.env[EDITION_ENV];
  try {
    for (const edition of EDITIONS) {
      process.env[EDITION_ENV] = edition;
      Object.assign(runs, await measureEdition(edition));
    }
  } finally {
    if (before === undefined) delete process.env[EDITION_ENV];
    else process.env[EDITION_ENV] = before;
  }
  const seeds = Array.from({ length: SEEDS }, (_, k) => FIRST_SEED + k);
  return { node: process.version.split('.')[0], seeds, runs };
}

async function measureEdition(edition: Edition): Promise<FingerprintFile['runs']> {
  const tests = everyTest(edition);
  const records = await referenceRuns(tests, FIRST_SEED, SEEDS);
  const runs: FingerprintFile['runs'] = {};
  for (const r of records) {
    if (r.status !== 'passed' || !r.fingerprint)
      throw new Error(
        `${keyOf(r)} seed ${r.seed} did not pass on the reference (${r.status}: ${(r.error ?? '').split('\n', 1)[0]}): fingerprints are recorded for passing runs only`,
      );
    (runs[keyOf(r)] ??= {})[String(r.seed)] = r.fingerprint;
  }
  return runs;
}

function read(): FingerprintFile | undefined {
  if (!fs.existsSync(FILE)) return undefined;
  return JSON.parse(fs.readFileSync(FILE, 'utf8')) as FingerprintFile;
}

/** Lines naming every difference between the recorded and the measured runs. */
export function differences(recorded: FingerprintFile, now: FingerprintFile): string[] {
  const lines: string[] = [];
  const keys = [...new Set([...Object.keys(recorded.runs), ...Object.keys(now.runs)])].sort();
  for (const key of keys) {
    const [test, level] = key.split('@');
    const at = level ? ` --level ${level}` : '';
    const was = recorded.runs[key];
    const is = now.runs[key];
    if (!was) lines.push(`${key}: new test, not recorded`);
    else if (!is) lines.push(`${key}: recorded, but no longer registered`);
    else
      for (const seed of Object.keys(is))
        if (was[seed] !== is[seed])
          lines.push(
            `${key} seed ${seed}: ${was[seed] ?? 'not recorded'} -> ${is[seed]} (npm run grade -- replay ${test} --seed ${seed}${at})`,
          );
  }
  return lines;
}

async function main(command: string | undefined): Promise<number> {
  if (command !== 'check' && command !== 'update') {
    process.stderr.write(
      'usage: npm run fingerprints -- check|update   (check: compare with fingerprints.json; update: rewrite it)\n',
    );
    return 2;
  }
  const recorded = read();
  const major = process.version.split('.')[0];
  if (command === 'check' && !recorded) {
    process.stderr.write(
      `fingerprints: no ${FILE}; write it with npm run fingerprints -- update\n`,
    );
    return 1;
  }
  if (command === 'check' && recorded && recorded.node !== major) {
    console.log(
      `fingerprints: SKIPPED: recorded on Node ${recorded.node}, this is ${process.version}; promise job order, and so the trace, may differ between majors`,
    );
    return 0;
  }
  const started = performance.now();
  const now = await measure();
  const took = `${Object.keys(now.runs).length} tests x ${now.seeds.length} seeds in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (command === 'update') {
    fs.writeFileSync(FILE, `${JSON.stringify(now, null, 2)}\n`);
    const changed = recorded ? differences(recorded, now) : [];
    console.log(`fingerprints: wrote ${path.relative(process.cwd(), FILE)} (${took})`);
    for (const l of changed) console.log(`  changed: ${l}`);
    return 0;
  }
  const changed = differences(recorded!, now);
  if (changed.length === 0) {
    console.log(`fingerprints: all unchanged (${took})`);
    return 0;
  }
  console.log(`fingerprints: ${changed.length} changed (${took}):`);
  for (const l of changed) console.log(`  ${l}`);
  console.log(
    'If the change is intended, run npm run fingerprints -- update and say why in the commit.',
  );
  return 1;
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(
        `fingerprints: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
