// npm run reference-figures: grades the reference implementation on every registered test of every
// edition (each part's course tests and ours; not the swarm, which has levels and no score) on the
// recorded seeds and writes labs/reference-figures.json: per test and seed, the run's virtual time, RPC count and
// fingerprint. The grade table shows a learner's figures beside these (grader/reference-figures.ts).
// The seeds are the fingerprints' (tools/fingerprints.ts), so a spec can tell stale figures from
// fingerprints.json alone; re-run this whenever npm run fingerprints -- update changes a run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadRegistry, testsOf } from '../labs';
import { EDITION_ENV, EDITIONS, type Edition } from '../labs/editions';
import type { SelectedTest } from '../grader/select';
import { referenceRuns } from './reference-runs';
import { FIGURES_FILE, FIGURE_SEEDS, type FiguresFile } from '../grader/reference-figures';

/** Every edition's tests, one session each (the workers resolve test names in DSLAB_EDITION's). */
async function measure(): Promise<FiguresFile> {
  const figures: FiguresFile = {
    about:
      "The reference implementation's virtual time (ms) and RPC count per test and seed, and the run's fingerprint; written by npm run reference-figures, read by the grade table.",
    node: process.version.split('.')[0],
    seeds: [...FIGURE_SEEDS],
    tests: {},
  };
  const before = process.env[EDITION_ENV];
  try {
    for (const edition of EDITIONS) {
      process.env[EDITION_ENV] = edition;
      Object.assign(figures.tests, await measureEdition(edition));
    }
  } finally {
    if (before === undefined) delete process.env[EDITION_ENV];
    else process.env[EDITION_ENV] = before;
  }
  return figures;
}

async function measureEdition(edition: Edition): Promise<FiguresFile['tests']> {
  const reg = loadRegistry('', edition);
  const tests: SelectedTest[] = reg.parts.flatMap((p) =>
    testsOf(p).map((s) => ({ name: s.name, part: s.part })),
  );
  const records = await referenceRuns(tests, FIGURE_SEEDS[0], FIGURE_SEEDS.length);
  const figures: FiguresFile['tests'] = {};
  for (const r of records) {
    if (r.status !== 'passed' || !r.fingerprint || !r.stats)
      throw new Error(
        `${r.test} seed ${r.seed} did not pass on the reference (${r.status}: ${(r.error ?? '').split('\n', 1)[0]}): figures are recorded for passing runs only`,
      );
    (figures[r.test] ??= {})[String(r.seed)] = {
      virtualMs: r.virtualMs,
      rpcs: r.stats.rpcs,
      fingerprint: r.fingerprint,
    };
  }
  return figures;
}

async function main(): Promise<number> {
  const started = performance.now();
  const figures = await measure();
  fs.writeFileSync(FIGURES_FILE, `${JSON.stringify(figures, null, 2)}\n`);
  const took = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `reference-figures: wrote ${path.relative(process.cwd(), FIGURES_FILE)} (${Object.keys(figures.tests).length} tests x ${figures.seeds.length} seeds in ${took} s)`,
  );
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(
        `reference-figures: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
