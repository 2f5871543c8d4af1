// Lab 2 of the 2026 edition, the lock (the course's kvsrv1/lock/lock_test.go of 2026), in the
// original order with the original constants. Beside the course's own check (a client that holds
// the lock finds the shared key "l0" empty), the fixture watches every lock: a client whose
// acquire returns while another client holds the same lock fails the run at once.
import type { Clerk } from '../../../harness/contracts/kvsrv';
import type { Lock, LockModule } from '../../../harness/contracts/lock';
import { fail, type Scenario, type TestContext } from '../../../harness/scenario';
import { withTestKV, type ClntRes, type Done, type TestKV } from './kvsrv-test';
import { randValue } from './kvsrv-tests';

export const PART_LOCK = '2LOCK';
const NCLNT = 10;
const NSEC = 2;

/** Holders of each lock name, by client: the mutual-exclusion oracle. */
class Holders {
  private readonly held = new Map<string, number>();

  acquired(name: string, me: number): void {
    const other = this.held.get(name);
    if (other !== undefined && other !== me)
      fail('mutual-exclusion', `${me}: acquired lock ${name}, which client ${other} holds`);
    this.held.set(name, me);
  }

  releasing(name: string, me: number): void {
    if (this.held.get(name) === me) this.held.delete(name);
  }
}

/** The course's MakeLock, with the oracle watching acquire and release. */
function makeLock(
  t: TestContext,
  ts: TestKV,
  holders: Holders,
  ck: Clerk,
  name: string,
  me: number,
): Lock {
  const lock = t.impl.layer<LockModule>('lock').makeLock(ck, name, ts.runtimeOf(ck));
  if (!lock || typeof lock.acquire !== 'function' || typeof lock.release !== 'function')
    fail('contract', 'makeLock(ck, name, runtime) must return { acquire(), release() }');
  return {
    acquire: async () => {
      await lock.acquire();
      holders.acquired(name, me);
    },
    release: () => {
      holders.releasing(name, me);
      return lock.release();
    },
  };
}

const reliableBasic: Scenario = {
  name: 'TestReliableBasic',
  part: PART_LOCK,
  description: 'Test: a single Acquire and Release',
  run: (t) =>
    withTestKV(t, true, async (ts) => {
      ts.begin('Test: a single Acquire and Release');
      const name1 = randValue(ts, 12);
      const ck = ts.makeClerk();
      const lk1 = makeLock(t, ts, new Holders(), ck, name1, 0);
      await lk1.acquire();
      await lk1.release();
    }),
};

const reliableNested: Scenario = {
  name: 'TestReliableNested',
  part: PART_LOCK,
  description: 'Test: one client, two locks',
  run: (t) =>
    withTestKV(t, true, async (ts) => {
      ts.begin('Test: one client, two locks');
      const name1 = randValue(ts, 12);
      const name2 = randValue(ts, 12);
      const ck = ts.makeClerk();
      const holders = new Holders();
      const lk1 = makeLock(t, ts, holders, ck, name1, 0);
      const lk2 = makeLock(t, ts, holders, ck, name2, 0);
      // Locks of different names can be held at the same time.
      for (const step of [
        lk1.acquire,
        lk2.acquire,
        lk2.release,
        lk1.release,
        lk2.acquire,
        lk1.acquire,
        lk1.release,
        lk1.acquire,
        lk2.release,
        lk1.release,
      ])
        await step();
    }),
};

/** The course's oneClient: both locks once, then lock 1 around a write of the shared key "l0". */
async function oneClient(
  t: TestContext,
  ts: TestKV,
  holders: Holders,
  me: number,
  ck: Clerk,
  stop: Done,
  names: [string, string],
): Promise<ClntRes> {
  const lk1 = makeLock(t, ts, holders, ck, names[0], me);
  const lk2 = makeLock(t, ts, holders, ck, names[1], me);
  await lk1.acquire();
  await lk2.acquire();
  await lk1.release();
  await lk2.release();
  await ck.put('l0', '', 0);
  for (let i = 1; ; i++) {
    if (stop.done) return { nok: i, nmaybe: 0 };
    await lk1.acquire();
    const { value, version, err } = await ck.get('l0');
    if (err !== 'OK') fail('wrong-value', `${me}: get failed ${err}`);
    if (value !== '') fail('mutual-exclusion', `${me}: two clients acquired lock ${value}`);
    let perr = await ck.put('l0', String(me), version);
    if (!(perr === 'OK' || perr === 'ErrMaybe'))
      fail('mutual-exclusion', `${me}: put failed ${perr}`);
    await ts.runtimeOf(ck).sleep(10, 'holding the lock');
    perr = await ck.put('l0', '', version + 1);
    if (!(perr === 'OK' || perr === 'ErrMaybe'))
      fail('mutual-exclusion', `${me}: put failed ${perr}`);
    await lk1.release();
  }
}

function runClients(name: string, nclnt: number, reliable: boolean): Scenario {
  return {
    name,
    part: PART_LOCK,
    description: `Test: ${nclnt} lock clients`,
    run: (t) =>
      withTestKV(t, reliable, async (ts) => {
        ts.begin(`Test: ${nclnt} lock clients`);
        const names: [string, string] = [randValue(ts, 12), randValue(ts, 12)];
        const holders = new Holders();
        await ts.spawnClientsAndWait(nclnt, NSEC * 1000, (me, ck, stop) =>
          oneClient(t, ts, holders, me, ck, stop, names),
        );
      }),
  };
}

export const scenarios: readonly Scenario[] = [
  reliableBasic,
  reliableNested,
  runClients('TestOneClientReliable', 1, true),
  runClients('TestManyClientsReliable', NCLNT, true),
  runClients('TestOneClientUnreliable', 1, false),
  runClients('TestManyClientsUnreliable', NCLNT, false),
];
