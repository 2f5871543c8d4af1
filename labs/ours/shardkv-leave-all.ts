// Sharded key/value tests of ours, graded with part 4B (labs/parts.ts): every group leaves while
// clients are running, then groups join again (TestLeaveAll4A checks the controller alone); and
// challenge 1 when every group leaves: the groups keep no shard data.
//   npm run grade -- 4b --run LeaveAll -n 20
import type { Scenario } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { shardTest } from '../lab4/shardkv-test';
import { NGROUPS } from '../lab4/shardkv';

/** Time for every group to reach the configuration without groups (they poll every 100 ms). */
const SETTLE_MS = 1000;
/** How long the test watches that nothing completes while no group owns a shard. */
const WATCH_MS = 1000;
/** Appends per new key once groups are back, to see the service resume. */
const AFTER_OPS = 3;

/**
 * Clients append to ten keys while every group leaves in one call. With no group left every shard
 * is on gid 0 (the controller's configuration says so) and no operation may complete, since no
 * group may serve a shard it does not own; the clients wait. Groups join again: the waiting
 * operations complete and the service resumes, on new keys. (Data on shards that went to nobody
 * is gone, as the lab's design has it: the test reads no key written before the leave.)
 */
const TestLeaveAll4B = shardTest(
  {
    name: 'TestLeaveAll4B',
    description: 'Test (4B, ours): every group leaves with clients running, then groups join again',
    unreliable: false,
    maxraftstate: -1,
  },
  async (x) => {
    const { cfg } = x;
    const ck = cfg.makeClient();
    const groups = Array.from({ length: NGROUPS }, (_, gi) => gi);
    await cfg.joinm(groups);
    const { ka, va } = await x.putKeys(ck, 10, 5);
    let done = false;
    const clients = x.appenders(ka, va, 5, 10, () => done);
    await cfg.sleep(500);
    await cfg.leavem(groups);
    const empty = await cfg.query();
    if (empty.shards.some((g) => g !== 0))
      fail('config-valid', `every group left, yet shards are on groups: [${empty.shards}]`);
    await cfg.sleep(SETTLE_MS);
    const before = cfg.ops;
    await cfg.sleep(WATCH_MS);
    if (cfg.ops !== before)
      fail(
        'shard-availability',
        `${cfg.ops - before} operations completed between ${SETTLE_MS / 1000} s and ${(SETTLE_MS + WATCH_MS) / 1000} s ` +
          `after every group left (configuration ${empty.num}: every shard on gid 0): no group may serve a shard it does not own`,
      );
    done = true;
    await cfg.joinm([groups[0], groups[1]]);
    await clients;
    for (let k = 0; k < 5; k++) {
      const key = `after${k}`;
      let expected = '';
      for (let j = 0; j < AFTER_OPS; j++) {
        const v = x.randstring(5);
        await x.append(ck, key, v);
        expected += v;
      }
      await x.check(ck, key, expected);
    }
  },
);

/**
 * Bytes of persisted Raft state and snapshots, over all nine servers, once every group has left:
 * TestChallenge1Delete's slack (6,000 bytes for each of the 3 replicas it counts) and no shard
 * data, since no group owns a shard.
 */
const LEAVE_ALL_MAX_BYTES = 3 * 6000;

/**
 * Challenge 1 when shards go to nobody: 30 keys of 1,000 bytes are stored, then every group leaves.
 * The configuration gives every shard to gid 0, so no group owns any and each must delete what it
 * held, as it deletes a shard handed to another group; snapshots after every command
 * (maxraftstate 1) show what the groups keep. Then groups join again and the service resumes.
 */
const TestChallenge1DeleteAll4B = shardTest(
  {
    name: 'TestChallenge1DeleteAll4B',
    description: 'Test (4B, ours): shard deletion when every group leaves (challenge 1)',
    unreliable: false,
    maxraftstate: 1,
    challenge: true,
  },
  async (x) => {
    const { cfg, t } = x;
    const ck = cfg.makeClient();
    const groups = Array.from({ length: NGROUPS }, (_, gi) => gi);
    await cfg.joinm(groups);
    const { ka, va } = await x.putKeys(ck, 30, 1000);
    for (let i = 0; i < 3; i++) await x.check(ck, ka[i], va[i]);
    await cfg.leavem(groups);
    await cfg.sleep(3 * SETTLE_MS);
    const total = cfg.persisters().reduce((sum, p) => sum + p.raft + p.snapshot, 0);
    t.log(
      `  info: persisted Raft state + snapshots of all 9 servers with no group left: ${total} bytes (bound ${LEAVE_ALL_MAX_BYTES})`,
    );
    if (total > LEAVE_ALL_MAX_BYTES)
      fail(
        'shard-deletion',
        `every group left (every shard on gid 0), yet snapshot + persisted Raft state hold ${total} bytes > ${LEAVE_ALL_MAX_BYTES}: ` +
          `a group deletes the shards it no longer owns, also those the configuration gives to nobody`,
      );
    await cfg.joinm([groups[0]]);
    await x.put(ck, 'after', 'x');
    await x.check(ck, 'after', 'x');
  },
);

export const scenarios4B: Scenario[] = [TestLeaveAll4B, TestChallenge1DeleteAll4B];
