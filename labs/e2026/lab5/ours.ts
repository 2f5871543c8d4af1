// Our tests for lab 5 where the course's miss a class of bug (issue 26): a controller that stops
// between freezing a shard and installing it. The course's partitionCtrler cuts a controller off at
// a random moment while a group is down; here the cut comes right after the first FreezeShard the
// old group acknowledges, so the shard is frozen and installed nowhere. While no controller acts,
// a get of a key in that shard must not complete (the ownership oracle fails a group that answers
// it); the next controller must finish the move with the frozen data; the old controller,
// reconnected, must not undo anything.
import { fail, type Scenario, type TestContext } from '../../../harness/scenario';
import { background } from '../../lab2/raft-scenario';
import { GID1, isMember, key2shard } from './shardcfg';
import { NSHARDS_KEYS, withLab5, type Lab5Test } from './test';

async function ctrlerCrashFrozen(ts: Lab5Test, t: TestContext): Promise<void> {
  await ts.setupKVService();
  const ck = ts.makeClerk();
  const [ka, va] = await ts.spreadPuts(ck, NSHARDS_KEYS);
  const { sck, node } = ts.makeShardCtrler();
  await sck.initController();
  const gid2 = ts.newGid();
  ts.makeGroupStart(gid2);
  let frozen = -1;
  ts.ownership.onFreeze = (gid, shard) => {
    if (frozen >= 0 || gid !== GID1) return;
    frozen = shard;
    ts.setConnected(node, false);
  };
  void background(t, 'join cut off after its first freeze', () =>
    ts.join(sck, gid2, ts.srvNames(gid2)),
  );
  for (let waited = 0; frozen < 0; waited += 10) {
    if (waited > 5000) fail('liveness', 'the controller froze no shard of group 1 within 5 s');
    await ts.sleep(10, 'the first freeze');
  }
  ts.ownership.onFreeze = undefined;
  const i = ka.findIndex((k) => key2shard(k) === frozen);
  if (i < 0) throw new Error(`no key of shard ${frozen} among the test's keys`);
  const ck2 = ts.makeClerk();
  let got: string | undefined;
  const get = background(t, `get ${ka[i]} of the frozen shard`, async () => {
    got = (await ts.get(ck2, ka[i], 1)).value;
  });
  await ts.sleep(1000, 'no controller acts');
  if (got !== undefined)
    fail(
      'shard-owner',
      `Get(${ka[i]}) of shard ${frozen} completed while it was frozen and installed nowhere`,
    );
  const { sck: sck0 } = ts.makeShardCtrler();
  await sck0.initController();
  const cfg = await ts.query(sck0);
  if (!isMember(cfg, gid2)) fail('config-recovered', `didn't recover the join of ${gid2}`);
  let settled = false;
  void get.then(() => (settled = true));
  await Promise.race([get, ts.sleep(2000, 'the get completes after the recovery')]);
  if (!settled) fail('liveness', `Get(${ka[i]}) didn't complete after the recovery`);
  if (got !== va[i])
    fail('wrong-value', `Get(${ka[i]}): expected:\n${va[i]}\nreceived:\n${got ?? ''}`);
  await ts.checkGets(ck, ka, va);
  ts.setConnected(node, true);
  await ts.sleep(1000, 'the old controller reconnected');
  await ts.checkGets(ck, ka, va);
}

export const ours5B: Scenario[] = [
  {
    name: 'TestCtrlerCrashFrozen5B',
    part: '5B',
    description: 'Test (5B, ours): a controller stops between freezing and installing ...',
    run: (t) =>
      withLab5(
        t,
        'Test (5B, ours): a controller stops between freezing and installing ...',
        true,
        (ts) => ctrlerCrashFrozen(ts, t),
      ),
  },
];
