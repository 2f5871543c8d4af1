// The part `swarm` (ours, beyond the course): the swarm tests, whose every seed draws a world and a
// fault schedule (labs/ours/raft-swarm.ts, labs/ours/kv-swarm.ts). Graded only when named
// (npm run grade -- swarm), never in `all` nor in the score.
import type { Scenario } from '../harness/scenario';
import type { LayerName } from '../harness/impl';
import { TestSwarmRaft } from './ours/raft-swarm';
import { TestSwarmKV } from './ours/kv-swarm';

export const scenarios: Scenario[] = [TestSwarmRaft, TestSwarmKV];

/** The layers each swarm test needs of an implementation (the Raft swarm grades a Raft alone). */
export const swarmLayers: Readonly<Record<string, readonly LayerName[]>> = {
  [TestSwarmRaft.name]: ['raft'],
  [TestSwarmKV.name]: ['raft', 'kvraft'],
};
