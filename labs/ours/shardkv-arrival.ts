// A sharded key/value test of ours on challenge 2, graded with part 4B (labs/parts.ts): a shard is
// served once it has arrived, whether or not its previous owner has confirmed deleting its copy.
//   npm run grade -- 4b --run ServedOnArrival -n 20
import type { Scenario } from '../../harness/scenario';
import { fail } from '../../harness/scenario';
import { key2shard } from '../../harness/contracts/shardkv';
import { shardTest } from '../lab4/shardkv-test';
import { carriesEntries, until } from './raft-past';

/** Keys written before the second group joins, one per shard at least. */
const KEYS = 10;
/** How long the test waits for shard data to reach the new owner. */
const ARRIVAL_WAIT_MS = 5000;
/** How long an operation on an arrived shard may take while the old owner's answers are held. */
const SERVE_WITHIN_MS = 3000;

/**
 * Group 100 holds every shard; group 101 joins and pulls half of them. From the first answer of
 * 100 to 101 that carries shard data, every answer of 100 to 101 that carries none is held back:
 * in a pull design these are the acknowledgements of the old owner's deletions (challenge 1), and
 * any "not ready" answer, which cannot come once 100 has handed data over. 101 must then serve the
 * shards it holds (challenge 2: "as soon as they arrive"), reads and writes, though it never hears
 * that 100 dropped its copies. The held answers are let go at the end.
 */
const TestChallenge2ServedOnArrival4B = shardTest(
  {
    name: 'TestChallenge2ServedOnArrival4B',
    description:
      "Test (4B, ours): shards served on arrival, before the old owner's deletion is confirmed (challenge 2)",
    unreliable: false,
    maxraftstate: -1,
    challenge: true,
  },
  async (x) => {
    const { cfg } = x;
    const ck = cfg.makeClient();
    await cfg.join(0);
    const ka = Array.from({ length: KEYS }, (_, i) => String(i));
    const va = ka.map(() => x.randstring(5));
    for (let i = 0; i < KEYS; i++) await x.put(ck, ka[i], va[i]);

    const oldOwner = new Set(Array.from({ length: cfg.n }, (_, i) => cfg.serverName(0, i)));
    const newOwner = new Set(Array.from({ length: cfg.n }, (_, i) => cfg.serverName(1, i)));
    let arrived = false;
    const answers = cfg.net.holdBack((m) => {
      if (m.kind !== 'reply' || !oldOwner.has(m.to) || !newOwner.has(m.from)) return false;
      if (carriesEntries(m.reply)) {
        arrived = true;
        return false;
      }
      return arrived;
    });
    await cfg.join(1);
    await until(
      cfg,
      ARRIVAL_WAIT_MS,
      'shard data goes from group 100 to group 101 after 101 joined',
      () => arrived,
      'liveness',
    );
    const c = await cfg.query();
    const moved = ka.filter((k) => c.shards[key2shard(k)] === cfg.gids[1]);
    for (const k of moved) {
      const i = ka.indexOf(k);
      const served = (async () => {
        await x.check(ck, k, va[i]);
        await x.append(ck, k, 'x');
        return true;
      })();
      const late = cfg.sleep(SERVE_WITHIN_MS, 'an arrived shard has this long').then(() => false);
      if (!(await Promise.race([served, late])))
        fail(
          'shard-availability',
          `key ${JSON.stringify(k)} (shard ${key2shard(k)}, moved to group 101) was not read and appended to within ` +
            `${SERVE_WITHIN_MS / 1000} s while group 100's answers without shard data were held: a group serves a shard as soon ` +
            `as it has arrived (challenge 2), without waiting to hear that the previous owner deleted its copy`,
        );
      va[i] += 'x';
    }
    answers.stop();
    answers.release();
    for (const k of moved) await x.check(ck, k, va[ka.indexOf(k)]);
  },
);

export const scenarios4B: Scenario[] = [TestChallenge2ServedOnArrival4B];
