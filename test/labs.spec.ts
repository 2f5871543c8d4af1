// Every graded test, once, on a fixed seed. Narrow it with mocha's --grep, e.g.
//   npm test -- --grep 2B          (one part)
//   npm test -- --grep TestBackup2B (one test)
// Set LAB_SEED to try another seed, LAB_IMPL to test another implementation (a learner's folder of
// TypeScript sources is compiled first, as by the grader). Many seeds at once: npm run grade.
import { scenariosByPart } from '../labs';
import { LAB_PARTS } from '../harness/scenario';
import { runScenario } from '../harness/scenario';
import { Implementation } from '../harness/impl';
import { parseSeed } from '../harness/sim/rng';
import { prepareImpl } from '../grader/impls';

const seed = process.env.LAB_SEED ? parseSeed(process.env.LAB_SEED) : 1;
const impl = new Implementation(
  process.env.LAB_IMPL ? prepareImpl(process.env.LAB_IMPL) : undefined,
);
// Failures name the implementation's TypeScript lines, as in the grader.
if (process.env.LAB_IMPL) process.setSourceMapsEnabled(true);
const implFlag = process.env.LAB_IMPL ? ` --impl ${process.env.LAB_IMPL}` : '';

// The simulator's own real-time watchdog stops a run before mocha's timeout would, so a slow test
// fails cleanly instead of leaving its simulation running under the next one.
const REAL_TIME_LIMIT_MS = 100_000;

describe('lab suites (one seed each)', function () {
  this.timeout(REAL_TIME_LIMIT_MS + 20_000);
  for (const part of LAB_PARTS) {
    const scenarios = scenariosByPart[part];
    if (scenarios.length === 0) continue;
    describe(`part ${part}`, () => {
      for (const scenario of scenarios) {
        it(`${scenario.name}: ${scenario.description}`, async () => {
          const result = await runScenario(scenario, {
            seed,
            impl,
            realTimeLimitMs: REAL_TIME_LIMIT_MS,
          });
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
