// KVOps records each clerk call with a reaction on the clerk's promise instead of an async function
// around it. Callers must resume after as many promise jobs as before (the simulation's event
// order, hence every fingerprint, depends on it), a failing clerk must fail the caller the same way,
// and what is recorded must not change. The reference here is the async wrapper it replaced.
import { expect } from 'chai';
import type { Clerk } from '../../harness/contracts/kvraft';
import { KVOps } from '../../labs/lab3/kv-history';
import type { TestContext } from '../../harness/scenario';

/** The wrapper KVOps.record replaced, for get: one async function awaiting the clerk. */
async function asyncWrapper(ck: Clerk, key: string): Promise<string> {
  const v = await ck.get(key);
  return v;
}

/** Promise jobs that run between the call and the caller's resumption after `await call()`. */
async function jobsUntilResumed(
  call: () => Promise<unknown>,
): Promise<{ jobs: number; error?: string }> {
  let jobs = 0;
  let stop = false;
  void (async () => {
    while (!stop) {
      await null;
      jobs++;
    }
  })();
  const start = jobs;
  let error: string | undefined;
  try {
    await call();
  } catch (e) {
    error = (e as Error).message;
  }
  const n = jobs - start;
  stop = true;
  return { jobs: n, ...(error ? { error } : {}) };
}

function clerk(get: (key: string) => Promise<string>): Clerk {
  const never = () => Promise.reject(new Error('not used'));
  return { get, put: never, append: never, delete: never };
}

function kvOps(): { ops: KVOps; counter: { ops: number } } {
  const counter = { t: { sim: { now: () => 0 } } as unknown as TestContext, ops: 0 };
  return { ops: new KVOps(counter), counter };
}

describe('kvraft fixture: recorded clerk calls', () => {
  const clerks: Record<string, () => Clerk> = {
    'an async clerk': () => clerk(async (key) => `v-${key}`),
    'a clerk returning a resolved promise': () => clerk((key) => Promise.resolve(`v-${key}`)),
    'a clerk answering after a few jobs': () =>
      clerk(async (key) => {
        await null;
        await null;
        return `v-${key}`;
      }),
    'an async clerk that fails': () =>
      clerk(async () => {
        throw new Error('no leader');
      }),
    'a clerk that throws at once': () =>
      clerk(() => {
        throw new Error('thrown at once');
      }),
    'a clerk returning a plain value': () =>
      clerk(((key: string) => `v-${key}`) as unknown as Clerk['get']),
  };

  for (const [name, make] of Object.entries(clerks)) {
    it(`${name}: the caller resumes after as many promise jobs as with an async wrapper, with the same outcome`, async () => {
      const reference = await jobsUntilResumed(() => asyncWrapper(make(), 'k'));
      const { ops } = kvOps();
      const recorded = await jobsUntilResumed(() => ops.get(make(), 'k', ops.history, 3));
      expect(recorded).to.deep.equal(reference);
    });
  }

  it('records the call and its return; a failed call stays open and is not counted', async () => {
    const { ops, counter } = kvOps();
    expect(
      await ops.get(
        clerk(async () => 'x'),
        'k',
        ops.history,
        2,
      ),
    ).to.equal('x');
    await ops
      .get(clerks['an async clerk that fails'](), 'k', ops.history, 5)
      .catch(() => undefined);
    const history = ops.history.operations();
    expect(
      history.map((o) => ({
        clientId: o.clientId,
        input: o.input,
        output: o.output,
        open: o.return === Infinity,
      })),
    ).to.deep.equal([
      { clientId: 2, input: { op: 'get', key: 'k' }, output: { value: 'x' }, open: false },
      { clientId: 5, input: { op: 'get', key: 'k' }, output: undefined, open: true },
    ]);
    expect(counter.ops).to.equal(1);
  });
});
