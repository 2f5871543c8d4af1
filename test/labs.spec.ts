// Every graded test, once, on a fixed seed. Narrow it with mocha's --grep, e.g.
//   npm test -- --grep 2B          (one part)
//   npm test -- --grep TestBackup2B (one test)
// Set LAB_SEED to try another seed, LAB_IMPL to test another implementation (a learner's folder of
// TypeScript sources is compiled first, as by the grader). Many seeds at once: npm run grade.
import { loadRegistry, testsOf } from '../labs';
import { executeRun } from '../labs/run';
import { DEFAULT_IMPL_DIR, resolveImplDir } from '../harness/impl';
import { parseSeed } from '../engine/sim/rng';
import { prepareImpl } from '../grader/impls';

const seed = process.env.LAB_SEED ? parseSeed(process.env.LAB_SEED) : 1;
// LAB_IMPL only (not DSLAB_IMPL or dslab.json): the project's own tests grade the reference unless
// told otherwise, so that a learner's default folder does not turn npm test red.
const implDir = process.env.LAB_IMPL
  ? resolveImplDir(prepareImpl(process.env.LAB_IMPL))
  : DEFAULT_IMPL_DIR;
// Failures name the implementation's TypeScript lines, as in the grader.
if (process.env.LAB_IMPL) process.setSourceMapsEnabled(true);
const implFlag = process.env.LAB_IMPL ? ` --impl ${process.env.LAB_IMPL}` : '';

// The simulator's own real-time watchdog stops a run before mocha's timeout would, so a slow test
// fails cleanly instead of leaving its simulation running under the next one.
const REAL_TIME_LIMIT_MS = 100_000;

describe('lab suites (one seed each)', function () {
  this.timeout(REAL_TIME_LIMIT_MS + 20_000);
  for (const part of loadRegistry().parts) {
    const scenarios = testsOf(part);
    if (scenarios.length === 0) continue;
    describe(`part ${part.id}`, () => {
      for (const scenario of scenarios) {
        const ours = part.ours.includes(scenario) ? ' (ours)' : '';
        it(`${scenario.name}: ${scenario.description}${ours}`, async () => {
          const spec = { test: scenario.name, seed, implDir, realTimeLimitMs: REAL_TIME_LIMIT_MS };
          const result = await executeRun(spec);
          if (!result.passed) {
            throw new Error(
              `${result.error}\nreplay: npm run grade -- replay ${scenario.name} --seed ${seed}${implFlag}`,
            );
          }
        });
      }
    });
  }
});
