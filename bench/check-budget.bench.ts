// The calibration of the linearizability checks' search budget (checker/budget.ts): how many search
// iterations the checker runs in one real second on histories it cannot finish in one, so that a
// course second of budget is at least a second here. Histories: 2023's key/value logs of 50
// clients searched whole (porcupine's own, which reach no verdict), and a versioned history of 20
// clients racing puts on one key, most of them answered ErrMaybe, searched without the versioned
// model's `inert` (the shape of TestSnapshotRecoverManyClients4C's histories, which took the
// search past the course's 1 s before `inert`). Run with `npm run bench -- check-budget`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkOperations } from '../checker/check';
import { ITERATIONS_PER_COURSE_SECOND, courseCheckOptions } from '../checker/budget';
import { parseHistory } from '../checker/formats';
import { kvModel } from '../checker/models/kv';
import { versionedKvModel } from '../checker/models/kv-versioned';
import { racingMaybePuts } from '../test/linearizability/helpers';
import type { Model, Operation } from '../checker/model';

export const title = "The linearizability checks' search budget";
export const order = 62;

const ROOT = path.resolve(__dirname, '..', '..');
const REPEATS = 3;

type Ops = Operation<any, any>[];

interface Case {
  name: string;
  model: Model<any, any, any>;
  ops: Ops;
  partition: boolean;
}

function cases(): Case[] {
  const withoutInert = { ...versionedKvModel, inert: undefined };
  const kv = ['c50-ok.txt', 'c50-bad.txt'].map((file) => ({
    name: `kv ${file}, whole (2023's kv model)`,
    model: kvModel,
    ops: parseHistory(fs.readFileSync(path.join(ROOT, 'test/data/porcupine/kv', file), 'utf8'))
      .operations as Ops,
    partition: false,
  }));
  return [
    {
      name: '20 clients racing maybe-puts, 10 rounds (versioned, without inert)',
      model: withoutInert,
      ops: racingMaybePuts(20, 10),
      partition: true,
    },
    ...kv,
  ];
}

const iterations = (r: { partitions: { iterations: number }[] }) =>
  r.partitions.reduce((sum, p) => sum + p.iterations, 0);
const num = (n: number) => Math.round(n).toLocaleString('en-US');

export function run(): Promise<string> {
  const rows: string[] = [];
  const load = os.loadavg()[0].toFixed(1);
  let fastest = 0;
  const budget = courseCheckOptions(1000);
  for (const c of cases()) {
    const rates: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const r = checkOperations(c.model, c.ops, { timeoutMs: 1000, partition: c.partition });
      // A history finished within the second gives no rate (it might have run faster).
      rates.push(r.verdict === 'unknown' ? (iterations(r) / r.elapsedMs) * 1000 : NaN);
    }
    const best = Math.max(...rates.filter((x) => !Number.isNaN(x)));
    fastest = Math.max(fastest, best);
    const spent = checkOperations(c.model, c.ops, { ...budget, partition: c.partition });
    rows.push(
      `| ${c.name} | ${c.ops.length} | ${rates.map((x) => (Number.isNaN(x) ? 'finished' : num(x))).join(' / ')} | ${spent.verdict} (${spent.reason ?? '-'}) in ${num(spent.elapsedMs)} ms |`,
    );
  }
  return Promise.resolve(
    [
      `A course second of search budget is ${num(ITERATIONS_PER_COURSE_SECOND)} iterations (\`ITERATIONS_PER_COURSE_SECOND\`); the fastest rate measured below is ${num(fastest)} per second, so ${ITERATIONS_PER_COURSE_SECOND >= fastest ? 'the budget gives every one of these histories at least a second here' : '**the budget is below a second here: raise it**'}. Each history is searched ${REPEATS} times with a 1 s real-time limit (a rate per pass, the first one cold), then once with the budget of a 1 s check (\`courseCheckOptions(1000)\`). Load average ${load} when this section started: on a shared machine the rates are lower than on an idle one, so rerun it idle before lowering the budget.`,
      '',
      '| history | operations | iterations per second (passes) | with a course second of budget |',
      '|---|---:|---|---|',
      ...rows,
    ].join('\n'),
  );
}
