// A sharded key/value test of ours on delete (ours: the course has only Put and Append), graded with
// part 4B (labs/parts.ts): a deleted key reads "" wherever its shard goes.
//   npm run grade -- 4b --run DeleteMoves -n 20
import type { Scenario } from '../../harness/scenario';
import { background } from '../lab2/raft-scenario';
import { shardTest } from '../lab4/shardkv-test';

const CLIENTS = 3;
const KEYS = 10;
/** How long the clients run between two configuration changes. */
const PHASE_MS = 500;

/**
 * A never-written key reads "". Then clients put, append, delete and read ten shared keys while
 * groups join and leave, so shards move with their deletions in them; the history, deletes
 * included, must be linearizable (the checker's key/value model knows delete). A group that does
 * not apply deletes, or loses them when a shard moves, lets a read see a deleted value.
 */
const TestDeleteMoves4B = shardTest(
  {
    name: 'TestDeleteMoves4B',
    description: 'Test (4B, ours): deletes while shards move',
    unreliable: false,
    maxraftstate: 100,
  },
  async (x) => {
    const { cfg, t } = x;
    await cfg.join(0);
    const ck = cfg.makeClient();
    await x.check(ck, 'never written', '');
    let done = false;
    const clients = Array.from({ length: CLIENTS }, (_, c) =>
      background(t, `client ${c}`, async () => {
        const cli = c + 1;
        const mine = cfg.makeClient();
        const rng = t.sim.rng(`shardkv-delete/client${c}`);
        for (let j = 0; !done; j++) {
          const key = `d${rng.int(KEYS)}`;
          const r = rng.int(100);
          if (r < 30) await x.append(mine, key, `x ${cli} ${j} y`, cli);
          else if (r < 45) await x.put(mine, key, `p ${cli} ${j}`, cli);
          else if (r < 65) await x.delete(mine, key, cli);
          else await x.get(mine, key, cli);
        }
      }),
    );
    for (const change of [
      () => cfg.join(1),
      () => cfg.join(2),
      () => cfg.leave(0),
      () => cfg.leave(1),
    ]) {
      await cfg.sleep(PHASE_MS);
      await change();
    }
    await cfg.sleep(PHASE_MS);
    done = true;
    await Promise.all(clients);
    for (let k = 0; k < KEYS; k++) await x.get(ck, `d${k}`);
  },
);

export const scenarios4B: Scenario[] = [TestDeleteMoves4B];
