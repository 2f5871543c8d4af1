// Every graded test, once, on a fixed seed. Narrow it with mocha's --grep, e.g.
//   npm test -- --grep 2B          (one part)
//   npm test -- --grep TestBackup2B (one test)
// Set LAB_SEED to try another seed. Many seeds at once: npm run grade.
import { scenariosByPart } from '../labs';
import { LAB_PARTS } from '../harness/scenario';
import { runScenario } from '../harness/scenario';
import { Implementation } from '../harness/impl';
import { parseSeed } from '../harness/sim/rng';

const seed = process.env.LAB_SEED ? parseSeed(process.env.LAB_SEED) : 1;
const impl = new Implementation(process.env.LAB_IMPL);

describe('lab suites (one seed each)', function () {
  this.timeout(120_000);
  for (const part of LAB_PARTS) {
    const scenarios = scenariosByPart[part];
    if (scenarios.length === 0) continue;
    describe(`part ${part}`, () => {
      for (const scenario of scenarios) {
        it(`${scenario.name}: ${scenario.description}`, async () => {
          const result = await runScenario(scenario, { seed, impl });
          if (!result.passed) {
            throw new Error(`${result.error}\nreplay: npm run grade -- replay ${scenario.name} --seed ${seed}`);
          }
        });
      }
    });
  }
});
