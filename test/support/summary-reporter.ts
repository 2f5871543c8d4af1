// Mocha reporter for `npm test`: mocha's usual spec output, plus a machine-readable summary in
// dist/test-summary.json that .ci/run turns into its closing "N passed, N failed" line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

const SUMMARY = path.resolve(__dirname, '..', '..', 'test-summary.json');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let pending = 0;
    fs.rmSync(SUMMARY, { force: true });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, () => failed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, () => pending++);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      fs.writeFileSync(SUMMARY, JSON.stringify({ passed, failed, pending }) + '\n');
    });
  }
}

export = SummaryReporter;
