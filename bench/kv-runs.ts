// Shared by the key/value benchmarks (kvraft, shardkv): every test of a list run once on one seed,
// each with the linearizability checker's real time and the operations it checked during that run,
// and the number format of their tables.
import { executeRun } from '../labs/run';
import { observeChecks } from '../labs/lab3/kv-check';
import type { Implementation } from '../harness/impl';
import { type RunResult, type Scenario } from '../harness/scenario';

export interface TestRow {
  result: RunResult;
  checkMs: number;
  checkedOps: number;
}

/** Runs each scenario once, in order, on `seed`. */
export async function runWithChecks(
  scenarios: readonly Scenario[],
  seed: number,
  impl: Implementation,
): Promise<TestRow[]> {
  const rows: TestRow[] = [];
  let check = { ms: 0, ops: 0 };
  const stopObserving = observeChecks((o) => {
    check.ms += o.elapsedMs;
    check.ops += o.operations;
  });
  try {
    for (const scenario of scenarios) {
      check = { ms: 0, ops: 0 };
      const result = await executeRun({ test: scenario.name, seed, implDir: impl.dir });
      rows.push({ result, checkMs: check.ms, checkedOps: check.ops });
    }
  } finally {
    stopObserving();
  }
  return rows;
}

/** A table figure with thousands separators; — when absent. */
export function fmt(n: number | undefined, digits = 0): string {
  return n === undefined
    ? '—'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
