// The shared shape of the variant specs (test/*/variants.spec.ts): each buggy variant fails a
// scenario on a seed known to expose it, while the implementation it derives from passes the same
// scenario and seed (so the failure is the bug's).
import { expect } from 'chai';
import * as path from 'node:path';
import { findScenario } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario, type Scenario } from '../../harness/scenario';
import type { CheckId } from '../../harness/checks';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface VariantCase {
  /** A directory under impls/. */
  variant: string;
  /** The implementation the variant subclasses (default: src). */
  base?: string;
  test: string;
  seed: number;
  /** The check that fails (harness/checks.ts). */
  expect: CheckId;
  /** What the failure message says (a fragment), to tell failures of the same check apart. */
  message?: RegExp;
}

/** `extra`: scenarios outside the course's registry (labs/ours) that cases may name. */
export function describeVariants(
  title: string,
  cases: readonly VariantCase[],
  extra: readonly Scenario[] = [],
): void {
  describe(title, function () {
    this.timeout(60_000);
    for (const c of cases) {
      const baseDir = c.base ?? 'src';
      const baseName = baseDir === 'src' ? 'the reference' : baseDir;
      it(`${c.variant}: fails ${c.test} on seed ${c.seed}; ${baseName} passes it`, async () => {
        const scenario = findScenario(c.test) ?? extra.find((s) => s.name === c.test);
        expect(scenario, `no scenario ${c.test}`).to.not.equal(undefined);
        const base = await runScenario(scenario!, {
          seed: c.seed,
          impl: new Implementation(path.join(ROOT, baseDir)),
        });
        expect(base.passed, `${baseName} should pass: ${base.error?.split('\n')[0]}`).to.equal(
          true,
        );
        const buggy = await runScenario(scenario!, {
          seed: c.seed,
          impl: new Implementation(path.join(ROOT, 'impls', c.variant)),
        });
        expect(buggy.passed, `${c.variant} passed ${c.test} on seed ${c.seed}`).to.equal(false);
        expect(buggy.check, buggy.error?.split('\n')[0]).to.equal(c.expect);
        if (c.message) expect(buggy.error!.split('\n')[0]).to.match(c.message);
      });
    }
  });
}
