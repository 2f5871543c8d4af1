// The two swarm families of the 2023 edition, as the part registry names them: the Raft swarm
// (parts 2B-2D) and the key/value swarm (3A-3B).
import type { SwarmFamily } from '../swarm-family';
import * as raft from './raft-swarm';
import * as kv from './kv-swarm';
import { KV_SWARM_LEVELS, levelFor, RAFT_SWARM_LEVELS } from './levels';

export const raftSwarm: SwarmFamily<raft.SwarmPlan> = {
  test: raft.TestSwarmRaft,
  drawPlan: (seed, level) => raft.drawPlan(seed, levelFor(RAFT_SWARM_LEVELS, level)),
  describeKnobs: raft.describeKnobs,
  describeFault: raft.describeFault,
  minClients: 0,
  gentler: (k) => [[k.snapshot, { snapshot: false }, 'snapshots']],
};

export const kvSwarm: SwarmFamily<kv.KvSwarmPlan> = {
  test: kv.TestSwarmKV,
  drawPlan: (seed, level) => kv.drawKvPlan(seed, levelFor(KV_SWARM_LEVELS, level)),
  describeKnobs: kv.describeKvKnobs,
  describeFault: kv.describeKvFault,
  // The liveness phase and the final reads need a clerk.
  minClients: 1,
  gentler: (k) => [
    [k.maxraftstate > 0, { maxraftstate: -1 }, 'snapshots'],
    [k.keys > 1, { keys: 1 }, `keys (${k.keys} -> 1)`],
    [k.putShare > 0, { putShare: 0 }, 'puts'],
  ],
};
